import { Checkbox, Form, Input, InputNumber, Select } from "antd";
import { useTranslation } from "react-i18next";
import { type AnswerValue, type FormField, fieldHelp, fieldLabel } from "../lib/booking.ts";

/**
 * A business type's form inside a staff page's antd Form (the caller's booking on /appointments, the lobby
 * manager's tablet on /lobby): one item per field under `answers`, with its help and its required check.
 */
export function StaffFormFields(props: { readonly fields: readonly FormField[]; readonly testIdPrefix: string }) {
  const { t } = useTranslation("booking");
  return (
    <>
      {props.fields.map((f) => {
        const testId = `${props.testIdPrefix}${f.key}`;
        const control =
          f.type === "number" || f.type === "amount" ? (
            <InputNumber
              min={f.type === "amount" ? 0 : undefined}
              step={f.type === "amount" ? 0.01 : 1}
              style={{ width: "100%" }}
              data-testid={testId}
            />
          ) : f.type === "choice" ? (
            <Select options={(f.options ?? []).map((o) => ({ value: o, label: o }))} data-testid={testId} />
          ) : f.type === "date" ? (
            <Input type="date" data-testid={testId} />
          ) : f.type === "checkbox" ? (
            <Checkbox data-testid={testId} />
          ) : (
            <Input maxLength={500} data-testid={testId} />
          );
        return (
          <Form.Item
            key={f.key}
            name={["answers", f.key]}
            label={fieldLabel(f)}
            extra={fieldHelp(f) || undefined}
            valuePropName={f.type === "checkbox" ? "checked" : "value"}
            required={f.required}
            rules={
              !f.required
                ? []
                : f.type === "checkbox"
                  ? // A required checkbox must be ticked (a boolean: the default string rule would refuse `true`).
                    [
                      {
                        validator: (_: unknown, v: unknown) =>
                          v === true
                            ? Promise.resolve()
                            : Promise.reject(new Error(`${fieldLabel(f)}: ${t("required")}`)),
                      },
                    ]
                  : [{ required: true }]
            }
          >
            {control}
          </Form.Item>
        );
      })}
    </>
  );
}

/** The answers given, without the empty ones (the server checks what is required). */
export function givenAnswers(answers: Record<string, AnswerValue | null | undefined> | undefined) {
  const out: Record<string, AnswerValue> = {};
  for (const [k, v] of Object.entries(answers ?? {})) if (v !== undefined && v !== null && v !== "") out[k] = v;
  return out;
}
