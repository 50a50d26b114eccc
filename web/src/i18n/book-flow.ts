/**
 * UI strings of the customer's side of issue 13 added to /book and the live ticket page: the slot hold and its
 * countdown, the waitlist, the consents asked with a booking, and "remind me when my turn is near". The
 * "bookFlow" namespace, registered by index.ts.
 *
 * The two consent texts are versioned by CONSENT_TEXT_VERSION (web/src/lib/consent.ts): change their words here,
 * change the version there, so each recorded consent names the text the customer saw.
 */
export const bookFlowZh = {
  /** Under the disabled "book" button: what is still missing, so the button does not just sit grey. */
  needs: {
    lead: "还需：{{items}}",
    slot: "选择时间",
    name: "姓名",
    phone: "手机号码",
    otp: "短信验证码",
    otpFirst: "短信验证码（先点“发送验证码”）",
  },
  live: {
    notFoundHint: "链接可能不完整或已失效。请重新打开短信或号票二维码中的链接；仍打不开请向大堂经理询问。",
  },
  hold: {
    holding: "正在为您保留该时段…",
    heldFor: "已为您保留该时段，请在 {{time}} 内完成预约",
    heldShort: "为您保留",
    expired: "保留时间已到，该时段已释放。请重新选择时间（以下为最新的可预约时间）。",
    taken: "该时段刚刚已被约满，请选择其他时间（以下为最新的可预约时间）。",
    failed: "暂时无法为您保留该时段：{{message}} 您仍可继续填写并提交预约。",
  },
  consent: {
    step: "7. 同意事项",
    lead: "请勾选您同意的事项。预约确认短信无论如何都会发送。",
    leadWaitlist: "请勾选您同意的事项。有名额时的候补通知无论如何都会发送。",
    service: "通过短信或电子邮件向我发送预约提醒和服务消息（如办理后的满意度调查）",
    marketing: "通过短信、电子邮件或电话向我介绍产品和优惠（营销信息）",
    marketingHelp: "可选，与预约无关；可随时致电或到网点撤回。",
  },
  waitlist: {
    fullDay: "这一天的时间已全部约满。",
    someFull: "想要的时间已约满？",
    offer: "加入候补",
    lead: "加入候补后，一旦有人取消，我们会按先后顺序以短信通知您，并为您保留该名额 30 分钟。",
    range: "您可以来的时间",
    wholeDay: "当天任何时间",
    step: "候补：{{day}}",
    submit: "加入候补",
    submitting: "正在提交…",
    back: "返回选择时间",
    joined: "已加入 {{day}} 的候补，您排在第 {{position}} 位。有空位时我们会发短信给您，短信中的链接可一步完成预约。",
    again: "返回预约",
  },
  near: {
    ask: "快到我时提醒我",
    lead: "前面还剩 {{count}} 人时，我们会发短信提醒您，您可以先去忙别的。",
    phone: "手机号码",
    submit: "提醒我",
    submitting: "正在设置…",
    cancel: "取消",
    set: "已设置：前面还剩 {{count}} 人时，我们会发短信到 {{phone}}。",
    sent: "已经快到您了，提醒短信已发送到 {{phone}}。",
    missingPhone: "请填写手机号码。",
    badPhone: "手机号码无效，请检查后重新填写。",
    notWaiting: "该号码已不在等候中，无需提醒。",
  },
};

export const bookFlowEn: typeof bookFlowZh = {
  needs: {
    lead: "Still needed: {{items}}",
    slot: "a time",
    name: "your name",
    phone: "your mobile number",
    otp: "the code from the SMS",
    otpFirst: "the code from the SMS (tap “Send code” first)",
  },
  live: {
    notFoundHint:
      "The link may be incomplete or no longer valid. Open the link from the SMS or the ticket's QR code again; if it still fails, ask the lobby manager.",
  },
  hold: {
    holding: "Holding this time for you…",
    heldFor: "This time is held for you: finish booking within {{time}}",
    heldShort: "Held for you",
    expired:
      "The hold has run out and the time was given back. Please choose a time again (the times below are up to date).",
    taken: "That time was just fully booked. Please choose another (the times below are up to date).",
    failed: "The time could not be held for you: {{message}} You can still fill in the form and book.",
  },
  consent: {
    step: "7. Your consent",
    lead: "Tick what you agree to. The booking confirmation by SMS is always sent.",
    leadWaitlist: "Tick what you agree to. The message offering you a free place is always sent.",
    service: "Send me reminders and service messages (such as a short survey after the visit) by SMS or e-mail",
    marketing: "Tell me of products and offers by SMS, e-mail or phone call (marketing)",
    marketingHelp: "Optional, not needed for the booking; withdraw at any time by phone or at the branch.",
  },
  waitlist: {
    fullDay: "Every time on this day is fully booked.",
    someFull: "Is the time you want fully booked?",
    offer: "Join the waitlist",
    lead: "When someone cancels, the people waiting are told in turn by SMS, and the place is kept for you for 30 minutes.",
    range: "When you can come",
    wholeDay: "Any time that day",
    step: "Waitlist: {{day}}",
    submit: "Join the waitlist",
    submitting: "Sending…",
    back: "Back to the times",
    joined:
      "You are on the waitlist for {{day}}, number {{position}}. When a place frees up we send you an SMS whose link books it in one step.",
    again: "Back to booking",
  },
  near: {
    ask: "Remind me when my turn is near",
    lead: "We send you an SMS when {{count}} people are ahead of you, so you can do something else meanwhile.",
    phone: "Mobile number",
    submit: "Remind me",
    submitting: "Setting up…",
    cancel: "Cancel",
    set: "Done: we will text {{phone}} when {{count}} people are ahead of you.",
    sent: "Your turn is near: the reminder was sent to {{phone}}.",
    missingPhone: "Please enter your mobile number.",
    badPhone: "That is not a valid mobile number; please check it.",
    notWaiting: "This ticket is no longer waiting, so no reminder is needed.",
  },
};
