import { App as AntApp, Select, Space, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../api/client.ts";
import type { Answer } from "../api/types.ts";
import { FollowupClock, MarketingBlock } from "./FollowupTags.tsx";
import { useStaffUser } from "./StaffShell.tsx";

type CustomerFollowupList = Answer<"listCustomerFollowups">;
type StaffUser = { id: string; displayName: string; roles: string[]; active: boolean };

/**
 * The customer profile's follow-ups (part of its visit history), and, for branch managers, the customer's own
 * manager whom their follow-ups go to.
 */
export function CustomerFollowups({ customerId }: { readonly customerId: string }) {
  const { t, i18n } = useTranslation("followups");
  const { message } = AntApp.useApp();
  const user = useStaffUser();
  const lead = user?.roles.some((r) => r === "admin" || r === "branch_manager") ?? false;
  const [data, setData] = useState<CustomerFollowupList | null>(null);
  const [staff, setStaff] = useState<readonly StaffUser[]>([]);
  const en = i18n.language === "en";
  const fail = useCallback(
    (e: unknown) => void message.error(e instanceof ApiError || e instanceof Error ? e.message : String(e)),
    [message],
  );
  const load = useCallback(() => {
    api.get<CustomerFollowupList>(`/api/customers/${customerId}/followups`).then(setData).catch(fail);
  }, [customerId, fail]);
  useEffect(load, [load]);
  useEffect(() => {
    if (lead)
      api
        .get<StaffUser[]>("/api/users")
        .then(setStaff)
        .catch(() => setStaff([]));
  }, [lead]);
  if (!data) return null;
  const setManager = (userId: string | null) =>
    api
      .put(`/api/customers/${customerId}/manager`, { userId })
      .then(() => {
        void message.success(t("saved"));
        load();
      })
      .catch(fail);
  return (
    <div data-testid="customer-followups">
      <Space style={{ margin: "12px 0 4px" }} wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t("profileTitle")}
        </Typography.Title>
        <Typography.Text type="secondary">{t("customerManager")}:</Typography.Text>
        {lead ? (
          <Select
            aria-label={t("customerManager")}
            size="small"
            allowClear
            style={{ minWidth: 160 }}
            placeholder="—"
            value={data.managerUserId ?? undefined}
            onChange={(v: string | undefined) => void setManager(v ?? null)}
            data-testid="customer-manager"
            virtual={false}
            options={staff
              .filter((u) => u.active && u.roles.some((r) => r !== "auditor" && r !== "agent"))
              .map((u) => ({ value: u.id, label: u.displayName }))}
          />
        ) : (
          <span>{data.managerName ?? "—"}</span>
        )}
      </Space>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={[...data.items]}
        locale={{ emptyText: t("profileEmpty") }}
        columns={[
          { title: t("due"), render: (_, f) => new Date(f.dueAt).toLocaleDateString() },
          {
            title: t("business"),
            render: (_, f) => `${en ? f.serviceNameEn : f.serviceNameZh} · ${f.ticketNumber ?? ""}`,
          },
          {
            title: t("purpose"),
            render: (_, f) => (
              <Space size={4} wrap>
                <Tag>{t(`purposes.${f.purpose}`)}</Tag>
                <MarketingBlock f={f} />
              </Space>
            ),
          },
          { title: t("assignee"), render: (_, f) => f.assigneeName ?? t("unassigned") },
          { title: t("clock"), render: (_, f) => <FollowupClock f={f} /> },
          { title: t("note"), dataIndex: "note" },
          {
            title: t("appointment"),
            render: (_, f) => (f.appointment ? new Date(f.appointment.start).toLocaleString() : "—"),
          },
        ]}
      />
    </div>
  );
}
