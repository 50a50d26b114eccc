import { Select, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { Branch } from "../api/types.ts";
import { localName } from "../lib/format.ts";

/** The branch a staff page works on: a picker when the user may see several, else the branch's name. */
export function BranchPicker(props: {
  readonly branches: readonly Branch[];
  readonly branchId: string;
  readonly onChange: (id: string) => void;
}) {
  const { branches, branchId, onChange } = props;
  const { t } = useTranslation();
  if (branches.length > 1)
    return (
      <Select
        aria-label={t("admin.branch")}
        value={branchId}
        onChange={onChange}
        style={{ minWidth: 180 }}
        options={branches.map((b) => ({ value: b.id, label: localName(b) }))}
      />
    );
  return (
    <Typography.Title level={4} style={{ margin: 0 }}>
      {localName(branches.find((b) => b.id === branchId))}
    </Typography.Title>
  );
}
