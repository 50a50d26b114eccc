import { describe, expect, it } from "vitest";
import { decide, type Hit, wantsPerson } from "./decide.ts";

const hit = (id: string, score: number, coverage: number, category = "cards"): Hit => ({
  id,
  score,
  coverage,
  category,
});

describe("the bot's decision rules", () => {
  it("answers when the best article covers the question and clearly leads", () => {
    expect(decide("卡丢了", [hit("lost", 30, 0.8), hit("unblock", 10, 0.4)], 0)).toEqual({
      kind: "answer",
      articleId: "lost",
      skill: "cards",
    });
    expect(decide("卡丢了", [hit("lost", 30, 0.8)], 1)).toMatchObject({ kind: "answer" });
  });

  it("offers the two or three closest articles when unsure: too close a race, or too little of the question matched", () => {
    const close = decide("卡", [hit("a", 10, 0.6), hit("b", 9, 0.6), hit("c", 8, 0.5), hit("d", 7, 0.4)], 0);
    expect(close).toEqual({ kind: "suggest", articleIds: ["a", "b", "c"], skill: "cards", miss: true });
    const thin = decide("卡 什么 的", [hit("a", 10, 0.3), hit("b", 2, 0.1)], 0);
    expect(thin).toMatchObject({ kind: "suggest", articleIds: ["a"] });
  });

  it("says it did not understand when nothing matches, and hands over at the second miss in a row", () => {
    expect(decide("asdf", [], 0)).toEqual({ kind: "miss", skill: null });
    expect(decide("asdf", [], 1)).toMatchObject({ kind: "handover", reason: "misses" });
    expect(decide("卡", [hit("a", 10, 0.6), hit("b", 9, 0.6)], 1)).toMatchObject({
      kind: "handover",
      reason: "misses",
      articleIds: ["a", "b"],
      skill: "cards",
    });
  });

  it("hands over at once when the customer asks for a person, in Chinese or English", () => {
    for (const text of [
      "转人工",
      "我要人工服务",
      "找真人",
      "I want to talk to a human",
      "agent please",
      "Get me a person",
    ]) {
      expect(wantsPerson(text), text).toBe(true);
      expect(decide(text, [hit("lost", 30, 0.9)], 0), text).toEqual({
        kind: "handover",
        reason: "asked",
        articleIds: [],
        skill: null,
      });
    }
    for (const text of ["卡丢了", "personal account", "agency fees", "what are your hours"]) {
      expect(wantsPerson(text), text).toBe(false);
    }
  });
});
