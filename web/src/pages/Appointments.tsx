import type { ButtonProps } from "antd";
import { Alert, App as AntApp, Button, Form, Input, Modal, Select, Space, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, call, client, unwrapList } from "../api/client.ts";
import type { Answer, Role, Service } from "../api/types.ts";
import { BranchPicker } from "../components/BranchPicker.tsx";
import { givenAnswers, StaffFormFields } from "../components/StaffFormFields.tsx";
import { StaffShell, useStaffUser } from "../components/StaffShell.tsx";
import { type AnswerValue, dayIn, type FormField, hhmm } from "../lib/booking.ts";
import { useBranches } from "../lib/branch.ts";
import { localName } from "../lib/format.ts";
import { hasRole } from "../lib/session.ts";
import "../styles/staff.css";

type Row = Answer<"listAppointments">["appointments"][number];
type StaffSlot = Answer<"listSlotsForStaff">["slots"][number];
type StaffMember = Answer<"listUsers">[number];

/** Who may open the page (book, reschedule, cancel, check in: src/app/appointments/book.ts BOOKING_ROLES). */
const BOOKING_ROLES: readonly Role[] = ["admin", "branch_manager", "lobby_manager", "teller"];
/** Who may cancel a whole time range (src/app/appointments/manage.ts cancelRange). */
const RANGE_ROLES: readonly Role[] = ["admin", "branch_manager", "lobby_manager"];

const STATUS_COLOR: Record<string, string> = {
  booked: "blue",
  checked_in: "green",
  completed: "default",
  cancelled: "default",
  no_show: "orange",
};

const errorText = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

/** Slots staff may book for a service and day (no notice needed), as a select. */
function SlotSelect(props: {
  readonly branchId: string;
  readonly serviceId: string | undefined;
  readonly day: string;
  readonly value?: string;
  readonly onChange?: (v: string) => void;
  readonly testId: string;
}) {
  const { t } = useTranslation("booking");
  const [slots, setSlots] = useState<readonly StaffSlot[]>([]);
  const { branchId, serviceId, day } = props;
  useEffect(() => {
    setSlots([]);
    if (!serviceId || !day) return;
    call(
      client.GET("/api/branches/{branchId}/appointment-slots", {
        params: { path: { branchId }, query: { serviceId, date: day } },
      }),
    ).then(
      (a) => setSlots((a as Answer<"listSlotsForStaff">).slots),
      () => setSlots([]),
    );
  }, [branchId, serviceId, day]);
  return (
    <Select
      value={props.value}
      onChange={props.onChange}
      data-testid={props.testId}
      notFoundContent={t("noSlots")}
      options={slots.map((s) => ({
        value: s.start,
        label: `${hhmm(s.start)}–${hhmm(s.end)} · ${s.free > 0 ? t("free", { count: s.free }) : t("full")}`,
        disabled: s.free <= 0,
      }))}
    />
  );
}

/** The business type's form in the caller's booking: the caller answers on the phone, staff type it in. */
function CallerFormFields({ serviceId }: { readonly serviceId: string | undefined }) {
  const [fields, setFields] = useState<readonly FormField[]>([]);
  useEffect(() => {
    setFields([]);
    if (!serviceId) return;
    call(client.GET("/api/services/{serviceId}/booking-form", { params: { path: { serviceId } } })).then(
      (a) => setFields(a.fields as FormField[]),
      () => setFields([]),
    );
  }, [serviceId]);
  return <StaffFormFields fields={fields} testIdPrefix="caller-field-" />;
}

function AppointmentsConsole() {
  const { t } = useTranslation("booking");
  const { message } = AntApp.useApp();
  const user = useStaffUser();
  const { branches, branchId, setBranchId } = useBranches(user);
  const branch = branches.find((b) => b.id === branchId);
  const timezone = branch?.timezone ?? "Asia/Shanghai";
  // `?day=…&cancelRange=1`: from the admin's closed days, the day whose appointments the branch must cancel.
  const asked = new URLSearchParams(window.location.search);
  const [day, setDay] = useState<string>(() => {
    const given = asked.get("day");
    return given && /^\d{4}-\d{2}-\d{2}$/.test(given) ? given : dayIn(timezone);
  });
  const [q, setQ] = useState("");
  const [search, setSearch] = useState("");
  const [rows, setRows] = useState<readonly Row[]>([]);
  const [services, setServices] = useState<readonly Service[]>([]);
  const [loading, setLoading] = useState(false);
  const [booking, setBooking] = useState(false);
  const [moving, setMoving] = useState<Row | null>(null);
  const [cancelling, setCancelling] = useState<Row | null>(null);
  const [ranging, setRanging] = useState(() => asked.get("cancelRange") === "1");
  const [staff, setStaff] = useState<readonly StaffMember[]>([]);
  const [bookForm] = Form.useForm();
  const [moveForm] = Form.useForm();
  const [cancelForm] = Form.useForm();
  const [rangeForm] = Form.useForm();
  const bookService = Form.useWatch("serviceId", bookForm) as string | undefined;
  const bookDay = (Form.useWatch("day", bookForm) as string | undefined) ?? day;
  const moveDay = (Form.useWatch("day", moveForm) as string | undefined) ?? day;

  const load = useCallback(() => {
    if (branchId === null) return;
    setLoading(true);
    call(
      client.GET("/api/branches/{branchId}/appointments", {
        params: { path: { branchId }, query: search ? { q: search } : { date: day } },
      }),
    )
      .then((a) => setRows((a as Answer<"listAppointments">).appointments))
      .catch((e: unknown) => void message.error(errorText(e)))
      .finally(() => setLoading(false));
  }, [branchId, day, search, message]);
  useEffect(load, [load]);

  useEffect(() => {
    if (branchId === null) return;
    api
      .get<unknown>(`/api/branches/${branchId}/services`)
      .then((v) => setServices(unwrapList<Service>(v, "services")))
      .catch(() => setServices([]));
  }, [branchId]);

  // The branch's active staff, who may be named customer manager (GET /api/users answers admins and branch
  // managers only: for other roles the select is not offered and the column shows that a manager is named).
  const mayListStaff = hasRole(user, "admin", "branch_manager");
  useEffect(() => {
    setStaff([]);
    if (branchId === null || !mayListStaff) return;
    call(client.GET("/api/users"))
      .then((users) =>
        setStaff((users as readonly StaffMember[]).filter((u) => u.active && u.branchIds.includes(branchId))),
      )
      .catch(() => setStaff([]));
  }, [branchId, mayListStaff]);

  const run = async (what: () => Promise<string>) => {
    try {
      const done = await what();
      void message.success(done);
      load();
      return true;
    } catch (e) {
      void message.error(errorText(e));
      return false;
    }
  };

  const checkIn = (r: Row) =>
    run(async () => {
      const a = await call(
        client.POST("/api/branches/{branchId}/check-in", {
          params: { path: { branchId: r.branchId } },
          body: { code: r.code },
        }),
      );
      return t("staff.checkedIn", { number: a.ticket.number });
    });
  const resend = (r: Row) =>
    run(async () => {
      await call(
        client.POST("/api/appointments/{appointmentId}/resend", {
          params: { path: { appointmentId: r.id } },
          body: {},
        }),
      );
      return t("staff.resent");
    });

  if (branchId === null) return null;
  const serviceName = (id: string) => localName(services.find((s) => s.id === id));
  const mayRange = hasRole(user, ...RANGE_ROLES);

  return (
    <div style={{ padding: 16 }}>
      <Space wrap style={{ marginBottom: 12 }}>
        <BranchPicker branches={branches} branchId={branchId} onChange={setBranchId} />
        <label htmlFor="appointments-day">{t("staff.day")}</label>
        <Input
          id="appointments-day"
          type="date"
          value={day}
          onChange={(e) => {
            setSearch("");
            setQ("");
            setDay(e.target.value);
          }}
          style={{ width: 170 }}
          data-testid="appointments-day"
        />
        <Input.Search
          aria-label={t("staff.search")}
          placeholder={t("staff.search")}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onSearch={(v) => setSearch(v.trim())}
          enterButton={t("staff.searchButton")}
          allowClear
          style={{ width: 320 }}
          data-testid="appointments-search"
        />
        <Button type="primary" onClick={() => setBooking(true)} data-testid="appointments-book">
          {t("staff.bookForCaller")}
        </Button>
        {mayRange ? (
          <Button danger onClick={() => setRanging(true)} data-testid="appointments-cancel-range">
            {t("staff.cancelRange")}
          </Button>
        ) : null}
      </Space>
      <Table<Row>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={[...rows]}
        pagination={{ pageSize: 50 }}
        locale={{ emptyText: t("staff.empty") }}
        data-testid="appointments-table"
        columns={[
          {
            title: t("staff.time"),
            key: "time",
            render: (_, r) => `${search ? `${r.start.slice(0, 10)} ` : ""}${hhmm(r.start)}–${hhmm(r.end)}`,
          },
          {
            title: t("staff.code"),
            dataIndex: "code",
            render: (c: string) => <Typography.Text code>{c}</Typography.Text>,
          },
          { title: t("staff.customer"), dataIndex: "name" },
          { title: t("staff.phone"), dataIndex: "phone" },
          { title: t("staff.service"), key: "service", render: (_, r) => serviceName(r.serviceId) },
          {
            title: t("manager.label"),
            key: "manager",
            render: (_, r) =>
              r.managerUserId === null ? null : (
                <span data-testid={`manager-${r.code}`}>
                  {staff.find((u) => u.id === r.managerUserId)?.displayName ?? t("manager.named")}
                </span>
              ),
          },
          {
            title: t("staff.channel"),
            dataIndex: "channel",
            render: (c: string) => t(`staff.channels.${c}`, { defaultValue: c }),
          },
          {
            title: t("staff.status"),
            key: "status",
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                <Tag color={STATUS_COLOR[r.status]} data-testid={`status-${r.code}`}>
                  {t(`status.${r.status}`, { defaultValue: r.status })}
                </Tag>
                {r.cancelReason ? <Typography.Text type="secondary">{r.cancelReason}</Typography.Text> : null}
              </Space>
            ),
          },
          {
            title: t("staff.actions"),
            key: "actions",
            render: (_, r) =>
              r.status === "booked" ? (
                <Space wrap size={4}>
                  <Button
                    size="small"
                    type="primary"
                    onClick={() => void checkIn(r)}
                    data-testid={`check-in-${r.code}`}
                  >
                    {t("staff.checkIn")}
                  </Button>
                  <Button
                    size="small"
                    onClick={() => {
                      moveForm.resetFields();
                      setMoving(r);
                    }}
                    data-testid={`reschedule-${r.code}`}
                  >
                    {t("staff.reschedule")}
                  </Button>
                  <Button size="small" onClick={() => void resend(r)} data-testid={`resend-${r.code}`}>
                    {t("staff.resend")}
                  </Button>
                  <Button
                    size="small"
                    danger
                    onClick={() => {
                      cancelForm.resetFields();
                      setCancelling(r);
                    }}
                    data-testid={`cancel-${r.code}`}
                  >
                    {t("staff.cancel")}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />

      <Modal
        open={booking}
        title={t("staff.bookForCaller")}
        okText={t("staff.ok")}
        onCancel={() => setBooking(false)}
        onOk={() => bookForm.submit()}
        okButtonProps={{ "data-testid": "book-caller-ok" } as ButtonProps}
        destroyOnHidden
      >
        <Form
          form={bookForm}
          layout="vertical"
          initialValues={{ day }}
          onFinish={(v: {
            serviceId: string;
            start: string;
            name: string;
            phone: string;
            email?: string;
            managerUserId?: string;
            answers?: Record<string, AnswerValue | null>;
          }) =>
            void run(async () => {
              const answers = givenAnswers(v.answers);
              const booked = await call(
                client.POST("/api/branches/{branchId}/appointments", {
                  params: { path: { branchId } },
                  body: {
                    serviceId: v.serviceId,
                    start: v.start,
                    name: v.name.trim(),
                    phone: v.phone,
                    ...(v.email?.trim() && { email: v.email.trim() }),
                    ...(Object.keys(answers).length > 0 && { answers }),
                    ...(v.managerUserId && { managerUserId: v.managerUserId }),
                  },
                }),
              );
              setBooking(false);
              bookForm.resetFields();
              return t("staff.booked", { code: booked.code });
            })
          }
        >
          <Form.Item name="serviceId" label={t("service")} rules={[{ required: true }]}>
            <Select
              data-testid="book-caller-service"
              options={services.map((s) => ({ value: s.id, label: localName(s) }))}
            />
          </Form.Item>
          <Form.Item name="day" label={t("day")} rules={[{ required: true }]}>
            <Input type="date" data-testid="book-caller-day" />
          </Form.Item>
          <Form.Item name="start" label={t("slot")} rules={[{ required: true }]}>
            <SlotSelect branchId={branchId} serviceId={bookService} day={bookDay} testId="book-caller-slot" />
          </Form.Item>
          <CallerFormFields serviceId={bookService} />
          <Form.Item name="name" label={t("name")} rules={[{ required: true, whitespace: true, max: 100 }]}>
            <Input data-testid="book-caller-name" />
          </Form.Item>
          <Form.Item name="phone" label={t("phone")} rules={[{ required: true, max: 30 }]}>
            <Input type="tel" data-testid="book-caller-phone" />
          </Form.Item>
          <Form.Item name="email" label={t("email")} rules={[{ type: "email", max: 254 }]}>
            <Input type="email" />
          </Form.Item>
          {mayListStaff ? (
            <Form.Item name="managerUserId" label={t("manager.label")} extra={t("manager.help")}>
              <Select
                allowClear
                showSearch
                optionFilterProp="label"
                data-testid="book-caller-manager"
                options={staff.map((u) => ({ value: u.id, label: `${u.displayName} (${u.staffNo || u.username})` }))}
              />
            </Form.Item>
          ) : null}
        </Form>
      </Modal>

      <Modal
        open={moving !== null}
        title={`${t("staff.reschedule")} · ${moving?.code ?? ""}`}
        okText={t("staff.ok")}
        onCancel={() => setMoving(null)}
        onOk={() => moveForm.submit()}
        destroyOnHidden
      >
        <Form
          form={moveForm}
          layout="vertical"
          initialValues={{ day: moving?.start.slice(0, 10) ?? day }}
          onFinish={(v: { start: string }) =>
            void run(async () => {
              if (moving === null) return "";
              await call(
                client.POST("/api/appointments/{appointmentId}/reschedule", {
                  params: { path: { appointmentId: moving.id } },
                  body: { start: v.start },
                }),
              );
              setMoving(null);
              return t("staff.rescheduled");
            })
          }
        >
          <Form.Item name="day" label={t("day")} rules={[{ required: true }]}>
            <Input type="date" />
          </Form.Item>
          <Form.Item name="start" label={t("slot")} rules={[{ required: true }]}>
            <SlotSelect branchId={branchId} serviceId={moving?.serviceId} day={moveDay} testId="reschedule-slot" />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={cancelling !== null}
        title={`${t("staff.cancel")} · ${cancelling?.code ?? ""}`}
        okText={t("staff.ok")}
        okButtonProps={{ danger: true, "data-testid": "cancel-ok" } as ButtonProps}
        onCancel={() => setCancelling(null)}
        onOk={() => cancelForm.submit()}
        destroyOnHidden
      >
        <Form
          form={cancelForm}
          layout="vertical"
          onFinish={(v: { reason: string }) =>
            void run(async () => {
              if (cancelling === null) return "";
              await call(
                client.POST("/api/appointments/{appointmentId}/cancel", {
                  params: { path: { appointmentId: cancelling.id } },
                  body: { reason: v.reason.trim() },
                }),
              );
              setCancelling(null);
              return t("staff.cancelled");
            })
          }
        >
          <Form.Item
            name="reason"
            label={t("staff.reason")}
            rules={[{ required: true, whitespace: true, max: 500, message: t("staff.reasonRequired") }]}
          >
            <Input.TextArea rows={3} maxLength={500} data-testid="cancel-reason" />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={ranging}
        title={t("staff.cancelRange")}
        okText={t("staff.ok")}
        okButtonProps={{ danger: true, "data-testid": "range-ok" } as ButtonProps}
        onCancel={() => setRanging(false)}
        onOk={() => rangeForm.submit()}
        destroyOnHidden
      >
        <Alert type="warning" showIcon title={t("staff.rangeHint")} style={{ marginBottom: 12 }} />
        <Form
          form={rangeForm}
          layout="vertical"
          initialValues={{ day, from: "09:00", to: "17:00" }}
          onFinish={(v: { day: string; from: string; to: string; reason: string }) =>
            void run(async () => {
              const offset = offsetOf(timezone, v.day);
              const answer = await call(
                client.POST("/api/branches/{branchId}/appointments/cancel-range", {
                  params: { path: { branchId } },
                  body: {
                    from: `${v.day}T${v.from}:00${offset}`,
                    to: `${v.day}T${v.to}:00${offset}`,
                    reason: v.reason.trim(),
                  },
                }),
              );
              setRanging(false);
              return t("staff.rangeCancelled", { count: answer.cancelled });
            })
          }
        >
          <Form.Item name="day" label={t("day")} rules={[{ required: true }]}>
            <Input type="date" />
          </Form.Item>
          <Space>
            <Form.Item name="from" label={t("staff.from")} rules={[{ required: true }]}>
              <Input type="time" data-testid="range-from" />
            </Form.Item>
            <Form.Item name="to" label={t("staff.to")} rules={[{ required: true }]}>
              <Input type="time" data-testid="range-to" />
            </Form.Item>
          </Space>
          <Form.Item
            name="reason"
            label={t("staff.reason")}
            rules={[{ required: true, whitespace: true, max: 500, message: t("staff.reasonRequired") }]}
          >
            <Input.TextArea rows={3} maxLength={500} data-testid="range-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}

/** "+08:00": the branch's UTC offset on a day (at noon, clear of daylight-saving changes at night). */
function offsetOf(timeZone: string, day: string): string {
  const noon = new Date(`${day}T12:00:00Z`);
  const part = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(noon)
    .find((p) => p.type === "timeZoneName")?.value;
  const m = /GMT([+-]\d{2}:\d{2})/.exec(part ?? "");
  return m?.[1] ?? "Z";
}

/** Staff: a branch's appointments for a day; book for a caller, reschedule, cancel, resend, check in. */
export default function Appointments() {
  const { t } = useTranslation("booking");
  return (
    <StaffShell title={t("staff.title")} roles={BOOKING_ROLES}>
      <AntApp>
        <AppointmentsConsole />
      </AntApp>
    </StaffShell>
  );
}
