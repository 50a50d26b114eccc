import { describe, expect, it } from "vitest";
import { type DuplicateCandidate, findDuplicatePairs, MAX_GROUP, normaliseName, phoneKeys } from "./duplicates.ts";

const person = (id: string, over: Partial<DuplicateCandidate> = {}): DuplicateCandidate => ({
  id,
  name: "",
  phone: `+86139000000${id.padStart(2, "0").slice(-2)}`,
  email: null,
  idNumber: null,
  birthDate: null,
  ...over,
});
const pairs = (list: DuplicateCandidate[]) => findDuplicatePairs(list).map((p) => [p.a, p.b, p.rules.join(",")]);

describe("possible duplicate customer records", () => {
  it("pairs the same ID number (a final x read as X) and the same e-mail in any case", () => {
    expect(
      pairs([
        person("1", { idNumber: "11010119900307123x" }),
        person("2", { idNumber: "11010119900307123X " }),
        person("3", { email: "Wang.Ming@Example.com " }),
        person("4", { email: "wang.ming@example.com" }),
        person("5", { email: "other@example.com" }),
      ]),
    ).toEqual([
      ["1", "2", "id_number"],
      ["3", "4", "email"],
    ]);
  });

  it("pairs phones libphonenumber reads as one, and a mainland mobile under another country code", () => {
    expect(phoneKeys("+86 138-1234-5678")).toEqual(["e164:+8613812345678", "cn:13812345678"]);
    expect(phoneKeys("008613812345678")).toEqual(["e164:+8613812345678", "cn:13812345678"]);
    expect(phoneKeys("+85213812345678")).toEqual(["cn:13812345678"]);
    // A US number whose 11 digits look like a mainland mobile is not one: its national number has 10.
    expect(phoneKeys("+1 312 555 1234")).toEqual(["e164:+13125551234"]);
    expect(phoneKeys("merged:abc")).toEqual([]);
    expect(
      pairs([
        person("a", { phone: "+8613812345678" }),
        person("b", { phone: "138 1234 5678" }),
        person("c", { phone: "+85213812345678" }),
        person("d", { phone: "+13125551234" }),
        person("e", { phone: "+8613125551234" }),
      ]),
    ).toEqual([
      ["a", "b", "phone"],
      ["a", "c", "phone"],
      ["b", "c", "phone"],
    ]);
  });

  it("pairs a name only with the same birth date or ID tail, never two different full ID numbers", () => {
    expect(normaliseName(" 王 小明 ")).toBe("王小明");
    expect(normaliseName("阿卜杜·热合曼")).toBe(normaliseName("阿卜杜热合曼"));
    expect(normaliseName("ＷＡＮＧ Ming")).toBe("wangming");
    expect(
      pairs([
        person("1", { name: "王小明", birthDate: "1990-03-07" }),
        // The birth date inside the ID number counts as the birth date.
        person("2", { name: "王 小明", idNumber: "110101199003071234" }),
        // Same name, another birthday: another person.
        person("3", { name: "王小明", birthDate: "1991-01-01" }),
        // Same name and ID tail, no birth date known.
        person("4", { name: "李雷", idNumber: "E01231234" }),
        person("5", { name: "李 雷", idNumber: "G99991234" }),
        // 张伟 twice with the same birthday but two different full ID numbers: two people.
        person("6", { name: "张伟", idNumber: "110101198001011234" }),
        person("7", { name: "张伟", idNumber: "310101198001014321" }),
        // One character is no name to match on.
        person("8", { name: "王", birthDate: "2000-01-01" }),
        person("9", { name: "王", birthDate: "2000-01-01" }),
      ]),
    ).toEqual([
      ["1", "2", "name_birth"],
      ["4", "5", "name_id_tail"],
    ]);
  });

  it("pairs numbers stored canonically (not read again) as phoneKeys would: with every other form, up to the limit", () => {
    const keysPair = (x: string, y: string) => {
      const kx = new Set(phoneKeys(x));
      return phoneKeys(y).some((k) => kx.has(k));
    };
    // A canonical number beside its other forms, a number under +852, one libphonenumber finds invalid (140…),
    // and unrelated canonical numbers: the same pairs as comparing phoneKeys.
    const numbers = [
      "+8613812345678",
      "+86 138 1234 5678",
      "008613812345678",
      "+85213812345678",
      "+8614012345678",
      "+86 140-1234-5678",
      "+8613912345678",
      "+8615011112222",
      "+1 312 555 1234",
    ];
    const list = numbers.map((phone, i) => person(`n${i}`, { phone }));
    const expected = list.flatMap((x, i) =>
      list.slice(i + 1).flatMap((y) => (keysPair(x.phone, y.phone) ? [[x.id, y.id, "phone"]] : [])),
    );
    expect(expected.length).toBe(7);
    expect(pairs(list).sort()).toEqual(expected.sort());
    // One canonical number and ten other forms of it: eleven records of one key make no pairs.
    const many = [
      person("c", { phone: "+8613812345678" }),
      ...Array.from({ length: MAX_GROUP }, (_, i) => person(`f${i}`, { phone: `+86 138 1234 5678${" ".repeat(i)}` })),
    ];
    expect(pairs(many)).toEqual([]);
    expect(pairs(many.slice(0, MAX_GROUP))).toHaveLength((MAX_GROUP * (MAX_GROUP - 1)) / 2);
  });

  it("lists stronger rules first and makes no pairs of a key shared by more than the group limit", () => {
    const shared = Array.from({ length: MAX_GROUP + 1 }, (_, i) => person(`p${i}`, { email: "none@bank.example" }));
    expect(pairs(shared)).toEqual([]);
    const found = findDuplicatePairs([
      person("x1", { name: "赵六", birthDate: "1970-01-01" }),
      person("x2", { name: "赵六", birthDate: "1970-01-01" }),
      person("y1", { email: "z@example.com", name: "周七", birthDate: "1980-01-01" }),
      person("y2", { email: "z@example.com", name: "周七", birthDate: "1980-01-01" }),
    ]);
    expect(found.map((p) => [p.a, p.rules])).toEqual([
      ["y1", ["email", "name_birth"]],
      ["x1", ["name_birth"]],
    ]);
  });
});
