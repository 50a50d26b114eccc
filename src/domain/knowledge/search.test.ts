import { describe, expect, it } from "vitest";
import { splitPinyin, splitPinyinAll } from "./pinyin-syllables.ts";
import { KnowledgeSearch, type SearchableArticle } from "./search.ts";
import { analyze, analyzeQuery, normalize, stem } from "./text.ts";

const article = (
  id: string,
  titleZh: string,
  titleEn: string,
  bodyZh = titleZh,
  bodyEn = titleEn,
): SearchableArticle => ({
  id,
  titleZh,
  titleEn,
  bodyZh,
  bodyEn,
  questions: [],
  keywords: [],
  category: "general",
});

const ARTICLES = [
  article("lost", "银行卡挂失", "Report a lost card", "卡片丢失请立即挂失。", "Block a lost card at once."),
  article("hours", "网点营业时间", "Opening hours", "周一至周五营业。", "Branches open on weekdays."),
  article("transfer", "转账手续费", "Transfer fees", "手机银行转账免费。", "Transfers in the app are free."),
  article("pin", "忘记密码", "Forgot your PIN", "携带身份证重置密码。", "Reset the PIN with your ID card."),
];

const top = (s: KnowledgeSearch, q: string) => s.search(q, 3)[0]?.id;

describe("knowledge text analysis", () => {
  it("normalizes full-width letters, case and traditional characters", () => {
    expect(normalize("ＡＴＭ 銀行卡掛失")).toBe("atm 银行卡挂失");
  });
  it("stems English words so that forms of one word meet", () => {
    expect(stem("changing")).toBe(stem("changed"));
    expect(stem("transfers")).toBe(stem("transfer"));
    expect(stem("lost")).toBe(stem("lose"));
  });
  it("splits pinyin typed without spaces, and refuses English words", () => {
    expect(splitPinyin("yinhangka")).toEqual(["yin", "hang", "ka"]);
    expect(splitPinyin("card")).toBeUndefined();
  });
  it("keeps every shortest reading of ambiguous pinyin", () => {
    expect(splitPinyinAll("xiane")).toEqual(
      expect.arrayContaining([
        ["xian", "e"],
        ["xia", "ne"],
      ]),
    );
    expect(splitPinyinAll("card")).toEqual([]);
    expect(analyzeQuery("qukuanji xiane")).toEqual(expect.arrayContaining(["p:ji_xian", "p:xian_e"]));
  });
  it("reads 还款 as huan kuan, and gives a word's initials (and with the word before) for initials typists", () => {
    expect(analyze("信用卡还款")).toContain("p:huan_kuan");
    expect(analyze("开通手机银行")).toEqual(expect.arrayContaining(["w:sj", "w:yh", "w:sjyh"]));
    expect(analyzeQuery("sjyh")).toContain("w:sjyh");
    // An English stop word is not read as initials ("my" is not 美元).
    expect(analyzeQuery("my card")).not.toContain("w:my");
  });
  it("pairs a question's characters across a stop word, so a typo holding one still sounds right", () => {
    // 到 alone is a stop word; 到其 is 到期 mistyped.
    expect(analyzeQuery("卡片到其了")).toEqual(expect.arrayContaining(["b:到其", "p:dao_qi"]));
  });
  it("reads consonant-only letters as pinyin initials and drops stop words", () => {
    expect(analyzeQuery("yhk")).toEqual(expect.arrayContaining(["i:yh", "i:hk"]));
    expect(analyzeQuery("我的怎么办").filter((t) => t.startsWith("z:"))).toEqual([]);
  });
});

describe("knowledge search", () => {
  const search = new KnowledgeSearch(ARTICLES, [["挂失", "丢了", "lost card"]]);

  it("finds an article from Chinese, traditional characters, pinyin, initials, English and a same-sounding typo", () => {
    expect(top(search, "银行卡挂失")).toBe("lost");
    expect(top(search, "銀行卡掛失")).toBe("lost");
    expect(top(search, "guashi")).toBe("lost");
    expect(top(search, "wangji mima")).toBe("pin");
    expect(top(search, "wjmm")).toBe("pin");
    expect(top(search, "what are the transfer fees")).toBe("transfer");
    expect(top(search, "转帐手续废")).toBe("transfer");
  });

  it("matches through the synonym list, and follows its replacement", () => {
    expect(top(search, "我的卡丢了")).toBe("lost");
    const plain = new KnowledgeSearch(ARTICLES);
    expect(plain.search("丢了").map((h) => h.id)).not.toContain("hours");
    plain.setSynonyms([["营业时间", "打烊"]]);
    expect(top(plain, "打烊")).toBe("hours");
  });

  it("weighs the sound of a character pair no article holds as the word it stands for (typos)", () => {
    const s = new KnowledgeSearch([
      article("expiry", "银行卡到期", "Card expiry", "到期前换卡。", "Renew before expiry."),
      article("damaged", "卡片损坏", "Damaged card", "卡片损坏请换卡。", "Replace a damaged card."),
    ]);
    expect(top(s, "到期了")).toBe("expiry");
    expect(top(s, "到其了")).toBe("expiry");
    // The typo's sound counts like the word: the mistyped question keeps a good part of the right one's score.
    const right = s.search("换卡到期")[0]?.score ?? 0;
    const typo = s.search("换卡到其")[0]?.score ?? 0;
    expect(typo).toBeGreaterThan(right * 0.4);
    expect(top(s, "换卡到其")).toBe("expiry");
  });

  it("matches synonyms typed in pinyin, and English synonyms in any inflection", () => {
    const s = new KnowledgeSearch(ARTICLES, [
      ["挂失", "被偷", "lost card"],
      ["到期", "run out"],
    ]);
    s.upsert(article("expiry", "银行卡到期", "Card expiry", "到期前换卡。", "Renew before expiry."));
    expect(top(s, "bei tou")).toBe("lost");
    expect(top(s, "my card runs out soon")).toBe("expiry");
    expect(new KnowledgeSearch(ARTICLES).search("bei tou")).toEqual([]);
  });

  it("ranks best first with a coverage share, and returns nothing for a question with no known word", () => {
    const hits = search.search("网点营业时间", 3);
    expect(hits[0]).toMatchObject({ id: "hours", titleEn: "Opening hours" });
    expect(hits[0]?.coverage).toBeGreaterThan(0.5);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(hits[i]?.score ?? 0);
    expect(search.search("???")).toEqual([]);
  });

  it("finds a changed article by its new words only, and a removed one no more", () => {
    const s = new KnowledgeSearch(ARTICLES);
    s.upsert(article("hours", "节假日安排", "Holiday opening"));
    expect(s.search("营业时间").map((h) => h.id)).not.toContain("hours");
    expect(top(s, "节假日")).toBe("hours");
    s.remove("hours");
    expect(s.search("节假日")).toEqual([]);
    expect(s.size).toBe(3);
  });
});

describe("knowledge search: words typed as meant, and synonyms", () => {
  const articles = [
    article("lost", "银行卡挂失", "Report a lost card", "卡片丢失请立即挂失。", "Block a lost card at once."),
    article("register", "开通手机银行注册", "Register for the app", "在手机上注册即可。", "Register in the app."),
    article("other", "网点营业时间", "Opening hours", "周一至周五营业。", "Weekdays."),
  ];
  it("a dictionary word that merely sounds like an article's word (租车 ~ 注册) is not taken for a typo", () => {
    const s = new KnowledgeSearch(articles, [["挂失", "落在"]]);
    expect(top(s, "卡好像落在出租车上了")).toBe("lost");
  });
  it("a pair that is no word is still read as the word it sounds like (注侧 → 注册)", () => {
    const s = new KnowledgeSearch(articles, [["挂失", "落在"]]);
    expect(top(s, "怎么注侧")).toBe("register");
  });
  it("a synonym group's match weighs like a typed word, not like one stray character", () => {
    const s = new KnowledgeSearch(
      [
        article("lost", "银行卡挂失", "Report a lost card", "卡片丢失请立即挂失。", "Block a lost card."),
        article("insert", "卡要插上才能用", "Insert the card", "卡要插上才能用。", "Insert the card first."),
      ],
      [["挂失", "落在"]],
    );
    // 卡 and 上 match the second article by three terms; 落在 the first by its group's one term.
    expect(top(s, "卡好像落在出租车上了")).toBe("lost");
  });
});
