import { describe, expect, it } from "vitest";
import { hoursText, selfServiceIntent } from "./self-service.ts";

describe("guided self-service intents", () => {
  it("knows questions about the queue, the hours and booking, in Chinese and English", () => {
    expect(selfServiceIntent("现在网点排队的人多吗")).toBe("queue");
    expect(selfServiceIntent("去了要等多久")).toBe("queue");
    expect(selfServiceIntent("How long is the queue right now?")).toBe("queue");
    expect(selfServiceIntent("你们几点关门")).toBe("hours");
    expect(selfServiceIntent("周六营业吗")).toBe("hours");
    expect(selfServiceIntent("Are you open today?")).toBe("hours");
    expect(selfServiceIntent("我想预约明天办理开户")).toBe("book");
    expect(selfServiceIntent("现在排队情况怎么样")).toBe("queue");
    expect(selfServiceIntent("I'd like to book an appointment")).toBe("book");
  });

  it("knows when the customer wants the bot to take a ticket for them", () => {
    for (const q of [
      "帮我取个号",
      "我想远程取号",
      "能在线取号吗",
      "Can you get me a ticket?",
      "take a number for me please",
    ])
      expect(selfServiceIntent(q), q).toBe("ticket");
    // How taking a number works, or a missed number, stays with the knowledge base.
    for (const q of ["取号机在哪里 怎么取号", "过号了怎么办", "I missed my number"])
      expect(selfServiceIntent(q), q).toBeNull();
  });

  it("leaves other questions to the knowledge base", () => {
    for (const q of [
      "银行卡丢了怎么办",
      "转账限额是多少",
      "my card was stolen",
      "what time does a transfer arrive",
      "预约了怎么取消",
      "排队的时候可以离开吗",
      "can I cancel my appointment",
    ])
      expect(selfServiceIntent(q)).toBeNull();
  });

  it("says a day's hours, or that the branch is closed", () => {
    const hours = { "1": ["09:00", "17:00"] as const, "0": null };
    expect(hoursText(hours, 1, "zh")).toBe("周一：09:00–17:00");
    expect(hoursText(hours, 0, "en")).toBe("Sunday: closed");
  });
});
