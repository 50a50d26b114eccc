import i18next from "i18next";
import { describe, expect, it } from "vitest";
import en from "../web/src/i18n/en.ts";
import zhCN from "../web/src/i18n/zh-CN.ts";

/** English counts go through i18next's plural rules: "1 person", never "1 people"; Chinese has one form. */
describe("plural forms of the web app's strings", () => {
  const instance = i18next.createInstance();
  const ready = instance.init({
    resources: { en: { translation: en }, "zh-CN": { translation: zhCN } },
    lng: "en",
    fallbackLng: "zh-CN",
    interpolation: { escapeValue: false },
  });

  it("says one person and two people in English", async () => {
    await ready;
    const t = instance.getFixedT("en");
    expect(t("common.people", { count: 1 })).toBe("1 person");
    expect(t("common.people", { count: 2 })).toBe("2 people");
    expect(t("live.ahead", { count: 1 })).toBe("1 person ahead of you");
    expect(t("live.ahead", { count: 0 })).toBe("0 people ahead of you");
    expect(t("lobby.ratingsCount", { count: 1 })).toBe("1 rating");
    expect(t("common.minutes", { count: 2.3 })).toBe("2.3 min");
  });

  it("keeps the one Chinese form", async () => {
    await ready;
    const t = instance.getFixedT("zh-CN");
    expect(t("common.people", { count: 1 })).toBe("1 人");
    expect(t("live.ahead", { count: 1 })).toContain("1");
  });

  it("has no English string that counts people without its plural forms", () => {
    const flat: Array<[string, string]> = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node === "string") flat.push([path, node]);
      else if (node && typeof node === "object")
        for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k);
    };
    walk(en, "");
    const bare = flat.filter(
      ([key, text]) => /\{\{count\}\} (people|ratings|persons)/.test(text) && !key.endsWith("_other"),
    );
    expect(bare).toEqual([]);
  });
});
