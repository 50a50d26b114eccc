import { useEffect, useState } from "react";
import { api, unwrapList } from "../api/client.ts";
import type { Branch, User } from "../api/types.ts";

const KEY = "datang.branch";

/** The branches the user may see, and the one they work in (remembered per browser). */
export function useBranches(user: User): {
  branches: readonly Branch[];
  branchId: string | null;
  setBranchId: (id: string) => void;
} {
  const [branches, setBranches] = useState<readonly Branch[]>([]);
  const [branchId, setBranchIdState] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<unknown>("/api/branches")
      .then((v) => {
        const list = unwrapList<Branch>(v, "branches");
        setBranches(list);
        const remembered = window.localStorage.getItem(KEY);
        const preferred = user.branchIds?.[0];
        const pick = list.find((b) => b.id === remembered) ?? list.find((b) => b.id === preferred) ?? list[0] ?? null;
        setBranchIdState(pick?.id ?? null);
      })
      .catch(() => setBranches([]));
  }, [user]);
  const setBranchId = (id: string): void => {
    window.localStorage.setItem(KEY, id);
    setBranchIdState(id);
  };
  return { branches, branchId, setBranchId };
}
