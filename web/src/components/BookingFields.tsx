import type { ReactElement } from "react";
import { useTranslation } from "react-i18next";
import { type AnswerValue, type FormField, fieldHelp, fieldLabel } from "../lib/booking.ts";

/** A business type's form for the customer's phone: one labelled control per field, with its help. */
export function BookingFields(props: {
  readonly fields: readonly FormField[];
  readonly answers: Record<string, AnswerValue>;
  readonly onChange: (key: string, value: AnswerValue | undefined) => void;
}) {
  const { t } = useTranslation("booking");
  const { fields, answers, onChange } = props;
  return (
    <div className="book-fields">
      {fields.map((f) => {
        const id = `field-${f.key}`;
        const help = fieldHelp(f);
        const helpId = help ? `${id}-help` : undefined;
        const label = (
          <>
            {fieldLabel(f)}
            {f.required ? <span className="book-required"> ({t("required")})</span> : null}
          </>
        );
        const value = answers[f.key];
        let control: ReactElement;
        switch (f.type) {
          case "checkbox":
            return (
              <div className="book-field book-check" key={f.key}>
                <input
                  id={id}
                  type="checkbox"
                  checked={value === true}
                  required={f.required}
                  aria-describedby={helpId}
                  onChange={(e) => onChange(f.key, e.target.checked)}
                  data-testid={`field-${f.key}`}
                />
                <label htmlFor={id}>{label}</label>
                {help ? (
                  <p className="book-help" id={helpId}>
                    {help}
                  </p>
                ) : null}
              </div>
            );
          case "choice":
            control = (
              <select
                id={id}
                value={typeof value === "string" ? value : ""}
                required={f.required}
                aria-describedby={helpId}
                onChange={(e) => onChange(f.key, e.target.value || undefined)}
                data-testid={`field-${f.key}`}
              >
                <option value="">—</option>
                {(f.options ?? []).map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            );
            break;
          case "number":
          case "amount":
            control = (
              <input
                id={id}
                type="number"
                inputMode="decimal"
                min={f.type === "amount" ? 0 : undefined}
                step={f.type === "amount" ? "0.01" : "any"}
                value={typeof value === "number" ? value : ""}
                required={f.required}
                aria-describedby={helpId}
                onChange={(e) => onChange(f.key, e.target.value === "" ? undefined : Number(e.target.value))}
                data-testid={`field-${f.key}`}
              />
            );
            break;
          case "date":
            control = (
              <input
                id={id}
                type="date"
                value={typeof value === "string" ? value : ""}
                required={f.required}
                aria-describedby={helpId}
                onChange={(e) => onChange(f.key, e.target.value || undefined)}
                data-testid={`field-${f.key}`}
              />
            );
            break;
          default:
            control = (
              <input
                id={id}
                type="text"
                maxLength={500}
                value={typeof value === "string" ? value : ""}
                required={f.required}
                aria-describedby={helpId}
                onChange={(e) => onChange(f.key, e.target.value === "" ? undefined : e.target.value)}
                data-testid={`field-${f.key}`}
              />
            );
        }
        return (
          <div className="book-field" key={f.key}>
            <label htmlFor={id}>{label}</label>
            {control}
            {help ? (
              <p className="book-help" id={helpId}>
                {help}
              </p>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}
