/**
 * The demo's knowledge base: a retail bank's frequently asked questions, written for Datang in both
 * languages. The hotline is a demo number. Categories are agent skills (see domain/knowledge/article.ts).
 */

export interface FaqEntry {
  readonly key: string;
  readonly category: string;
  readonly titleZh: string;
  readonly titleEn: string;
  readonly bodyZh: string;
  readonly bodyEn: string;
  readonly questions: readonly string[];
  readonly keywords: readonly string[];
}

export const DEMO_HOTLINE = "400-800-9555";

export const DEMO_FAQ: readonly FaqEntry[] = [
  {
    key: "card-lost",
    category: "cards",
    titleZh: "银行卡丢失或被盗，如何挂失",
    titleEn: "Report a lost or stolen card",
    bodyZh: `请立即挂失，挂失后卡片无法再被使用：1. 拨打24小时客服热线 ${DEMO_HOTLINE}，按提示办理口头挂失（临时挂失，有效5天）；2. 或在手机银行“卡片管理—挂失”中在线挂失；3. 5天内携带本人身份证原件到任一网点办理正式挂失并补卡。挂失前被盗刷的交易请同时报警并保留凭证。`,
    bodyEn: `Block the card at once; once reported it can no longer be used. 1. Call the 24-hour hotline ${DEMO_HOTLINE} for a temporary block (valid 5 days); 2. or block it in the mobile app under Cards → Report loss; 3. within 5 days bring your original ID card to any branch to make the report formal and order a replacement. If money was taken before the block, also report it to the police and keep the receipts.`,
    questions: ["卡丢了怎么挂失", "银行卡被偷了怎么办", "I lost my bank card", "my card was stolen"],
    keywords: ["挂失", "丢卡", "口头挂失", "lost card", "block card"],
  },
  {
    key: "card-unblock",
    category: "cards",
    titleZh: "挂失后找到了卡，如何解除挂失",
    titleEn: "Found your card after reporting it lost",
    bodyZh:
      "口头（临时）挂失的卡找回后，可在5天内用手机银行或拨打客服热线解除；正式挂失的卡需本人携带身份证到网点柜台办理解挂，原卡可继续使用。若已申请补卡，原卡作废，不能解挂。",
    bodyEn:
      "A temporary (phone) block can be lifted within 5 days in the mobile app or by calling the hotline. A formal loss report is lifted at a branch counter by the cardholder with an ID card, and the card works again. Once a replacement has been ordered the old card is void and cannot be unblocked.",
    questions: ["卡找到了怎么解挂", "取消挂失", "I found my card, how do I unblock it"],
    keywords: ["解挂", "解除挂失", "unblock", "found card"],
  },
  {
    key: "card-replace",
    category: "cards",
    titleZh: "卡片损坏、消磁或芯片失效如何换卡",
    titleEn: "Replace a damaged or demagnetised card",
    bodyZh:
      "卡片折断、磁条消磁、芯片读不出时，请本人携带身份证和原卡到网点办理换卡，卡号可保持不变，一般当场领取新卡。部分网点换卡免收工本费，以网点公告为准。",
    bodyEn:
      "If a card is bent, its stripe is demagnetised or its chip cannot be read, bring the card and your ID card to a branch for a replacement. The card number can stay the same and the new card is usually handed over on the spot. Many branches waive the card fee; see the branch notice.",
    questions: ["卡坏了能换吗", "卡刷不了，读不出来", "my card is broken", "card not working chip damaged"],
    keywords: ["换卡", "补卡", "消磁", "坏卡", "replace card", "damaged card"],
  },
  {
    key: "card-atm-retained",
    category: "cards",
    titleZh: "ATM吞卡怎么办",
    titleEn: "The ATM kept my card",
    bodyZh:
      "请不要离开ATM太久，也不要相信贴在机器上的“客服电话”。先拨打官方热线登记吞卡，记下ATM编号。本行ATM吞卡一般在1–3个工作日内由所属网点取出，本人凭身份证到该网点领回；他行卡被吞需领回后按他行规定处理。",
    bodyEn:
      "Do not trust any phone number stuck on the machine. Call the official hotline, give the ATM number, and the card is usually recovered by the branch that runs the ATM within 1–3 working days; collect it there with your ID card. Cards of other banks are handled by their own rules after recovery.",
    questions: ["取款机把卡吞了", "ATM ate my card", "卡被取款机吞了怎么拿回来"],
    keywords: ["吞卡", "ATM", "取款机", "card retained", "swallowed"],
  },
  {
    key: "card-expiry",
    category: "cards",
    titleZh: "银行卡到期了怎么办",
    titleEn: "My card is about to expire",
    bodyZh:
      "借记卡到期前一个月可到网点免费换发新卡，账户和余额不受影响。信用卡到期前会自动寄送新卡到账单地址，收到后请激活；地址变更请先在手机银行更新。",
    bodyEn:
      "A debit card can be renewed free of charge at a branch from one month before it expires; the account and balance stay the same. A new credit card is posted to your statement address before expiry; activate it when it arrives and update your address in the app first if it changed.",
    questions: ["卡过期了还能用吗", "card expired what do I do", "有效期到了要换卡吗"],
    keywords: ["到期", "过期", "有效期", "expired", "expiry", "renew"],
  },
  {
    key: "card-debit-apply",
    category: "cards",
    titleZh: "如何办理借记卡",
    titleEn: "Get a debit card",
    bodyZh:
      "年满16周岁的本人携带身份证原件和本人实名手机号到网点办理，柜台或智能柜员机均可开卡，约15分钟当场领卡。根据监管要求，同一人在同一银行一般只能开立一个一类账户，开卡时会询问用途。",
    bodyEn:
      "Anyone aged 16 or over can get one at a branch with an original ID card and a mobile number registered in their own name, at the counter or a self-service terminal, in about 15 minutes. By regulation one person generally holds only one Class I account per bank, and you will be asked what the card is for.",
    questions: ["想办一张储蓄卡", "how do I get a bank card", "办卡要带什么"],
    keywords: ["办卡", "借记卡", "储蓄卡", "debit card", "new card"],
  },
  {
    key: "card-credit-apply",
    category: "cards",
    titleZh: "信用卡申请与审批进度",
    titleEn: "Apply for a credit card and check the application",
    bodyZh:
      "可在手机银行、官网或网点申请信用卡，需提供身份证和收入证明（工作证明、社保或纳税记录）。审批一般7–15个工作日，可在手机银行“信用卡—进度查询”或拨打热线查询，获批后卡片邮寄到家。",
    bodyEn:
      "Apply in the mobile app, on the website or at a branch with your ID card and proof of income (employer letter, social insurance or tax records). Approval takes 7–15 working days; follow it in the app under Credit cards → Application status or on the hotline. Approved cards are posted to you.",
    questions: ["信用卡怎么申请", "信用卡批下来了吗", "apply for a credit card"],
    keywords: ["信用卡", "申请", "审批", "credit card", "application"],
  },
  {
    key: "card-credit-repay",
    category: "cards",
    titleZh: "信用卡还款方式与还款日",
    titleEn: "Paying your credit card bill",
    bodyZh:
      "每月账单日后20天为到期还款日。可设置本行借记卡自动还款，或通过手机银行、ATM、网点柜台还款。到期只还最低还款额会产生利息；逾期会影响征信，请按时全额还款。",
    bodyEn:
      "Payment is due 20 days after the statement date. Set up automatic payment from your debit card, or pay in the app, at an ATM or at a counter. Paying only the minimum incurs interest; late payment affects your credit record, so pay in full on time.",
    questions: ["信用卡怎么还钱", "how do I pay my credit card", "最低还款是什么意思"],
    keywords: ["还款", "账单", "最低还款", "repay", "bill", "minimum payment"],
  },
  {
    key: "card-frozen",
    category: "cards",
    titleZh: "卡被冻结或止付，无法交易",
    titleEn: "My card or account is frozen",
    bodyZh:
      "冻结可能来自司法机关（法院、公安）或银行风险控制（如涉嫌电信诈骗、长期未核实身份）。司法冻结需联系冻结机关解除；风控止付请本人携带身份证到开户网点核实身份、说明资金用途后办理解除。",
    bodyEn:
      "A freeze comes either from the authorities (a court or the police) or from the bank's risk controls (suspected fraud, identity not verified for a long time). A legal freeze is lifted only by the authority that ordered it; for a risk block, come to your account branch with your ID card to verify your identity and explain the payments.",
    questions: ["卡怎么被冻结了", "账户被冻结怎么解冻", "why is my account frozen"],
    keywords: ["冻结", "止付", "解冻", "frozen", "blocked account"],
  },
  {
    key: "card-activate",
    category: "cards",
    titleZh: "新卡如何激活",
    titleEn: "Activate a new card",
    bodyZh:
      "借记卡在柜台领取时即已激活，首次使用前请在ATM或柜台设置/修改密码。信用卡收到后可在手机银行“信用卡—激活”或拨打热线激活，激活时需验证身份证号和预留手机号。",
    bodyEn:
      "A debit card is active when handed over at the counter; set or change its PIN at an ATM or counter before first use. Activate a credit card in the app under Credit cards → Activate or on the hotline, verifying your ID number and registered mobile number.",
    questions: ["收到信用卡怎么开卡", "how to activate my new card", "新卡要激活吗"],
    keywords: ["激活", "开卡", "activate", "activation"],
  },
  {
    key: "pin-forgot",
    category: "cards",
    titleZh: "忘记银行卡密码怎么办",
    titleEn: "Forgot your card PIN",
    bodyZh:
      "银行卡交易密码忘记后需本人携带身份证原件和银行卡到网点柜台办理密码重置，约10分钟。部分卡可在手机银行通过“人脸识别+短信验证”在线重置。为安全起见，银行工作人员不会在电话中询问密码。",
    bodyEn:
      "Bring your original ID card and the card to a branch counter to reset the PIN; it takes about 10 minutes. Some cards can be reset in the app with face recognition and an SMS code. Bank staff never ask for your PIN on the phone.",
    questions: ["密码想不起来了", "忘记取款密码", "I forgot my PIN"],
    keywords: ["忘记密码", "重置密码", "密码重置", "forgot PIN", "reset PIN", "password"],
  },
  {
    key: "pin-locked",
    category: "cards",
    titleZh: "密码输错次数太多被锁定",
    titleEn: "PIN locked after too many wrong tries",
    bodyZh:
      "当日密码连续输错3次，卡片当天将被锁定，次日零点自动解锁；累计输错6次需本人携带身份证到网点办理密码重置后方可使用。",
    bodyEn:
      "Three wrong PINs in one day lock the card until midnight, when it unlocks by itself. After six wrong tries in total, bring your ID card to a branch to reset the PIN before the card works again.",
    questions: ["密码输错三次锁了", "PIN blocked wrong password too many times", "卡被锁了"],
    keywords: ["锁卡", "密码锁定", "输错密码", "locked", "wrong PIN"],
  },
  {
    key: "pin-change",
    category: "cards",
    titleZh: "如何修改银行卡密码",
    titleEn: "Change your card PIN",
    bodyZh:
      "记得原密码时，可在本行ATM“修改密码”、手机银行“安全中心—修改交易密码”或网点柜台修改。请勿使用生日、身份证号、123456等简单密码。",
    bodyEn:
      "If you know the current PIN, change it at one of our ATMs (Change PIN), in the app under Security → Change PIN, or at a counter. Avoid birthdays, ID digits or 123456.",
    questions: ["想换个密码", "change my PIN", "修改交易密码"],
    keywords: ["修改密码", "改密码", "change PIN"],
  },
  {
    key: "app-login-password",
    category: "digital",
    titleZh: "手机银行登录密码忘记或登录不上",
    titleEn: "Cannot sign in to mobile banking",
    bodyZh:
      "在登录页点“忘记密码”，验证卡号、身份证号和预留手机短信后即可重设登录密码。连续输错5次登录会锁定24小时。换了手机或手机号请先到网点更新预留手机号。",
    bodyEn:
      "Tap “Forgot password” on the sign-in page and verify your card number, ID number and an SMS code to set a new one. Five wrong tries lock sign-in for 24 hours. If you changed your phone number, update it at a branch first.",
    questions: ["手机银行登不上去", "forgot my app password", "网银登录密码忘了"],
    keywords: ["登录密码", "手机银行", "网银", "app login", "sign in", "online banking"],
  },
  {
    key: "transfer-how",
    category: "payments",
    titleZh: "如何转账汇款（本行、跨行）",
    titleEn: "How to transfer money",
    bodyZh:
      "手机银行“转账”输入收款人姓名、账号和开户行即可本行或跨行转账，7×24小时可用；也可在ATM或网点柜台办理。柜台转账需携带身份证和银行卡，大额转账需核实收款人信息。",
    bodyEn:
      "In the app choose Transfer and enter the payee's name, account number and bank; transfers within our bank and to other banks run 24/7. You can also transfer at an ATM or a counter with your ID card and bank card; large amounts need the payee's details checked.",
    questions: ["怎么给别人打钱", "how do I send money to another bank", "跨行转账怎么弄"],
    keywords: ["转账", "汇款", "打钱", "transfer", "send money", "remittance"],
  },
  {
    key: "transfer-fees",
    category: "payments",
    titleZh: "转账手续费是多少",
    titleEn: "Transfer fees",
    bodyZh:
      "手机银行和网上银行转账（本行、跨行）均免手续费。柜台跨行转账按金额收费：1万元以下每笔5元，1–10万元每笔10元，10万元以上按0.03%收取，最高50元。境外汇款另收电报费。",
    bodyEn:
      "Transfers in the app and online banking are free, within our bank and to other banks. At the counter, transfers to other banks cost 5 yuan up to 10,000, 10 yuan up to 100,000 and 0.03% above (at most 50 yuan). International transfers also carry a cable charge.",
    questions: ["转账收费吗", "跨行转账要手续费吗", "are transfers free"],
    keywords: ["手续费", "收费", "费用", "fee", "charge", "cost"],
  },
  {
    key: "transfer-arrival",
    category: "payments",
    titleZh: "转账多久到账",
    titleEn: "How long a transfer takes to arrive",
    bodyZh:
      "本行转账实时到账；跨行5万元以下通过网联/超级网银一般实时到账，5万元以上工作日大额系统处理，通常2小时内到账。选择“次日到账”的转账在次日到账。节假日大额跨行可能顺延。",
    bodyEn:
      "Transfers within our bank arrive at once. To other banks, up to 50,000 usually arrives in real time; larger amounts go through the high-value system on working days, usually within 2 hours. “Next-day” transfers arrive the next day; large transfers on holidays may wait until the next working day.",
    questions: ["钱转过去了对方没收到", "转账什么时候到", "transfer not received yet"],
    keywords: ["到账", "到账时间", "没收到", "arrive", "pending", "delay"],
  },
  {
    key: "transfer-wrong",
    category: "payments",
    titleZh: "转错账了怎么办",
    titleEn: "Sent money to the wrong account",
    bodyZh:
      "若账号有误未能入账，款项会自动退回。若已转入他人账户，银行无权直接扣回：请立即联系客服热线登记，由银行协助联系收款方退还；协商不成可报警或向法院起诉。选择“延时到账”的转账可在到账前撤销。",
    bodyEn:
      "If the account number does not exist the money comes back by itself. If it reached someone else's account the bank cannot take it back on its own: call the hotline at once so that we contact the payee for you; if the payee refuses, go to the police or the courts. A delayed transfer can be cancelled before it arrives.",
    questions: ["钱转错人了", "转账填错账号", "I sent money to the wrong person"],
    keywords: ["转错", "错转", "退回", "wrong account", "mistake", "recall"],
  },
  {
    key: "transfer-abroad",
    category: "payments",
    titleZh: "境外汇款（汇出）",
    titleEn: "Sending money abroad",
    bodyZh:
      "个人每年有等值5万美元的便利化购汇额度。境外汇款需本人携带身份证到网点或在手机银行办理，提供收款人姓名、账号、收款银行SWIFT代码和地址，注明用途（留学、旅游、探亲等），一般1–3个工作日到账。",
    bodyEn:
      "Each person may buy up to USD 50,000 of foreign currency a year. Send money abroad at a branch with your ID card or in the app, with the payee's name, account number, the bank's SWIFT code and address, and the purpose (study, travel, family); it usually arrives in 1–3 working days.",
    questions: ["给国外的孩子汇学费", "how to wire money overseas", "往国外汇钱"],
    keywords: ["境外汇款", "国际汇款", "汇出", "SWIFT", "wire", "international transfer"],
  },
  {
    key: "transfer-receive-abroad",
    category: "payments",
    titleZh: "收到境外汇款（汇入）如何入账",
    titleEn: "Receiving money from abroad",
    bodyZh:
      "请把您的姓名拼音、账号、本行SWIFT代码DTBKCNSH和开户行地址告诉汇款人。外汇汇入后自动入账到您的外币账户，个人每年结汇额度等值5万美元，可在手机银行或柜台结汇成人民币。",
    bodyEn:
      "Give the sender your name in pinyin, your account number, our SWIFT code DTBKCNSH and your branch address. Money from abroad is credited to your foreign-currency account; you may convert up to USD 50,000 a year into yuan in the app or at a counter.",
    questions: ["国外有人给我汇款怎么收", "receive a payment from overseas", "SWIFT码是多少"],
    keywords: ["汇入", "结汇", "收款", "SWIFT", "incoming wire"],
  },
  {
    key: "limit-atm",
    category: "payments",
    titleZh: "ATM取款限额",
    titleEn: "ATM withdrawal limits",
    bodyZh:
      "借记卡在ATM每次最多取2500元，每日累计最多2万元；跨行ATM取款每笔收费2元（本行ATM免费）。需要更多现金请到柜台办理，5万元以上请提前预约。",
    bodyEn:
      "A debit card withdraws at most 2,500 yuan per ATM transaction and 20,000 a day. Withdrawals at other banks' ATMs cost 2 yuan each (ours are free). For more cash use a counter; book ahead for 50,000 or more.",
    questions: ["取款机一天能取多少钱", "how much can I take out of the ATM", "ATM最多取多少"],
    keywords: ["取款", "取钱", "取现", "ATM", "withdraw", "cash"],
  },
  {
    key: "limit-transfer",
    category: "payments",
    titleZh: "手机银行转账限额及如何提高",
    titleEn: "Mobile transfer limits and raising them",
    bodyZh:
      "手机银行默认单笔5万元、单日20万元；使用短信验证的转账单日最多5千元。可在手机银行“安全中心—限额管理”调低限额；提高限额需本人携带身份证到网点办理，或使用U盾认证后在线调整。",
    bodyEn:
      "Mobile banking allows 50,000 per transfer and 200,000 a day by default; with only SMS verification the limit is 5,000 a day. Lower your limits in the app under Security → Limits; to raise them come to a branch with your ID card, or adjust them online after authenticating with a USB key.",
    questions: ["转账额度不够", "手机转账最多能转多少", "increase my transfer limit"],
    keywords: ["限额", "额度", "提额", "上限", "limit", "raise limit", "daily limit"],
  },
  {
    key: "limit-large-cash",
    category: "branch",
    titleZh: "大额取现需要预约",
    titleEn: "Large cash withdrawals must be booked",
    bodyZh:
      "单笔取现5万元（含）以上，请至少提前1个工作日通过手机银行、客服热线或网点预约，办理时携带身份证原件和银行卡。预约后未按时办理的需重新预约。",
    bodyEn:
      "To withdraw 50,000 yuan or more in cash, book at least one working day ahead in the app, on the hotline or at the branch, and bring your original ID card and bank card. A missed booking must be made again.",
    questions: ["取十万现金要预约吗", "withdraw a large amount of cash", "大额取款怎么约"],
    keywords: ["大额取现", "大额取款", "预约取款", "large withdrawal", "cash booking"],
  },
  {
    key: "limit-non-counter",
    category: "accounts",
    titleZh: "账户被限制非柜面交易怎么办",
    titleEn: "Account restricted to counter transactions",
    bodyZh:
      "新开户、长期未使用或身份信息过期的账户，可能被限制手机银行、ATM等非柜面交易（单日限额如1万元）。请本人携带身份证和相关证明（工作证明、工资流水等）到网点核实后申请解除限制。",
    bodyEn:
      "New accounts, accounts unused for long or with an expired ID may be limited for app, ATM and other non-counter transactions (for example 10,000 a day). Come to a branch with your ID card and supporting papers (employer letter, salary statements) to have the restriction lifted.",
    questions: ["为什么我的卡只能转一万", "account limited can't use app", "非柜面限额怎么解除"],
    keywords: ["非柜面", "限制", "受限", "restricted", "limited account"],
  },
  {
    key: "account-open",
    category: "accounts",
    titleZh: "开户需要带什么材料",
    titleEn: "What you need to open an account",
    bodyZh:
      "本人携带有效身份证原件和本人实名登记的手机号到网点开户；港澳台居民带来往内地通行证或居住证，外籍人士带护照。开户时需如实说明用途，办理约15–20分钟，可提前在手机银行预约以减少等候。",
    bodyEn:
      "Bring your valid original ID card and a mobile number registered in your name. Residents of Hong Kong, Macao and Taiwan bring their mainland travel permit or residence permit; foreigners bring their passport. Say what the account is for; it takes 15–20 minutes, and booking in the app shortens the wait.",
    questions: ["开个户要什么证件", "documents to open an account", "新开账户需要什么"],
    keywords: ["开户", "新开户", "材料", "证件", "open account", "documents"],
  },
  {
    key: "account-close",
    category: "accounts",
    titleZh: "如何销户",
    titleEn: "Close an account",
    bodyZh:
      "销户需本人携带身份证和银行卡到开户网点或任一网点办理，请先解除自动扣款、第三方支付绑定，确认余额和利息已取出。信用卡销户可拨打热线申请，45天后生效。",
    bodyEn:
      "Close an account at any branch in person with your ID card and bank card. First cancel direct debits and links with payment apps, and take out the balance and interest. A credit card is closed through the hotline and the closure takes effect after 45 days.",
    questions: ["卡不用了想注销", "cancel my account", "注销银行卡"],
    keywords: ["销户", "注销", "close account", "cancel card"],
  },
  {
    key: "account-proxy",
    category: "accounts",
    titleZh: "能否代他人办理业务",
    titleEn: "Acting on behalf of someone else",
    bodyZh:
      "挂失、密码重置、开户、销户等须本人办理。存款、部分查询可代办，需携带代办人和被代办人双方身份证原件。老人、病人行动不便的，可联系网点预约上门服务。",
    bodyEn:
      "Loss reports, PIN resets and opening or closing accounts must be done in person. Deposits and some enquiries can be done by someone else bringing both their own and the account holder's original ID cards. For elderly or sick customers who cannot come, ask the branch for a home visit.",
    questions: ["帮我妈办卡可以吗", "can my son do it for me", "别人可以代办吗"],
    keywords: ["代办", "代理", "代他人", "on behalf", "proxy", "上门服务"],
  },
  {
    key: "account-minor",
    category: "accounts",
    titleZh: "给孩子开户（未成年人开户）",
    titleEn: "Opening an account for a child",
    bodyZh:
      "未满16周岁的孩子由监护人陪同办理，携带孩子的户口本（或身份证）、监护人身份证，以及出生证明等能证明监护关系的材料。16周岁以上可凭本人身份证自行办理。",
    bodyEn:
      "Children under 16 come with a guardian, bringing the child's household register (or ID card), the guardian's ID card and proof of guardianship such as the birth certificate. From 16 a young person can open an account alone with their ID card.",
    questions: ["小孩能办银行卡吗", "account for my kid", "给儿子开户要带什么"],
    keywords: ["未成年", "孩子", "儿童", "监护人", "child", "minor", "kid"],
  },
  {
    key: "account-foreigner",
    category: "accounts",
    titleZh: "外国人如何开户",
    titleEn: "Opening an account as a foreign national",
    bodyZh:
      "外籍人士携带有效护照（含有效签证或居留许可）、境内联系地址和本人手机号到网点办理，部分情况需提供工作证明或学生证明。柜台提供英文服务。",
    bodyEn:
      "Foreign nationals bring a valid passport with a valid visa or residence permit, a local address and a mobile number in their name; sometimes proof of work or study is needed. Counters serve in English.",
    questions: ["I'm a foreigner can I open an account", "外籍人士办卡", "passport bank account"],
    keywords: ["外国人", "外籍", "护照", "foreigner", "passport", "expat"],
  },
  {
    key: "account-phone-change",
    category: "accounts",
    titleZh: "更换预留手机号",
    titleEn: "Change the mobile number on your account",
    bodyZh:
      "原手机号仍可接收短信时，可在手机银行“我的—个人信息”在线修改；原号码已停用的，请本人携带身份证和银行卡到网点柜台修改。修改后短信验证码和通知会发送到新号码。",
    bodyEn:
      "If your old number still receives messages, change it in the app under Me → Personal details. If the old number is gone, come to a counter with your ID card and bank card. Codes and alerts then go to the new number.",
    questions: ["换手机号了银行要改吗", "update my phone number", "预留电话怎么改"],
    keywords: ["手机号", "预留手机", "换号", "phone number", "mobile number"],
  },
  {
    key: "account-statement",
    category: "accounts",
    titleZh: "打印流水和对账单",
    titleEn: "Bank statements and transaction history",
    bodyZh:
      "近2年的交易明细可在手机银行“账户—明细”查询并导出电子流水（带电子章，可用于签证、贷款）；需要纸质盖章流水请到网点柜台或智能柜员机打印，需本人身份证和银行卡。",
    bodyEn:
      "Transactions of the last two years are in the app under Accounts → History, where a stamped electronic statement (accepted for visas and loans) can be exported. For a paper statement with the bank's stamp, use a counter or self-service terminal with your ID card and bank card.",
    questions: ["办签证要银行流水", "print bank statement", "交易明细怎么导出"],
    keywords: ["流水", "对账单", "明细", "statement", "transaction history"],
  },
  {
    key: "account-dormant",
    category: "accounts",
    titleZh: "长期不用的账户（久悬户）",
    titleEn: "Dormant accounts",
    bodyZh:
      "一年以上无主动交易的账户可能转为久悬账户，无法在ATM和手机银行使用。资金不会丢失，本人携带身份证和银行卡到网点即可激活或销户。",
    bodyEn:
      "An account with no activity for over a year may become dormant and stop working at ATMs and in the app. The money is safe: come to a branch with your ID card and bank card to reactivate or close it.",
    questions: ["好多年没用的卡还能用吗", "old account not used for years", "睡眠户怎么激活"],
    keywords: ["久悬", "睡眠户", "不动户", "dormant", "inactive account"],
  },
  {
    key: "hours-branch",
    category: "branch",
    titleZh: "网点营业时间",
    titleEn: "Branch opening hours",
    bodyZh:
      "网点一般周一至周五9:00–17:00营业，周六、周日部分网点9:00–16:00营业，具体以各网点公示为准。自助银行24小时开放。请在关门前30分钟取号。",
    bodyEn:
      "Branches generally open Monday to Friday 9:00–17:00; some also open Saturday and Sunday 9:00–16:00, as each branch posts. Self-service areas are open 24 hours. Take a number at least 30 minutes before closing.",
    questions: ["银行几点开门", "几点下班", "what time do you open"],
    keywords: ["营业时间", "几点", "开门", "关门", "opening hours", "open", "close"],
  },
  {
    key: "hours-holiday",
    category: "branch",
    titleZh: "节假日是否营业",
    titleEn: "Opening on public holidays",
    bodyZh:
      "春节、国庆等法定节假日期间，部分网点轮流营业，时间一般为10:00–16:00，营业网点名单会提前在手机银行和官网公布。节假日手机银行、ATM正常使用。",
    bodyEn:
      "During Spring Festival, National Day and other public holidays, branches take turns to open, usually 10:00–16:00; the list is published in the app and on the website beforehand. Mobile banking and ATMs work as usual.",
    questions: ["国庆节银行上班吗", "are you open during Chinese New Year", "过年开不开门"],
    keywords: ["节假日", "春节", "国庆", "放假", "holiday", "weekend"],
  },
  {
    key: "branch-find",
    category: "branch",
    titleZh: "查找附近网点和ATM",
    titleEn: "Find a branch or ATM near you",
    bodyZh:
      "在手机银行“网点查询”可按定位查看附近网点、ATM、营业时间、当前排队人数和导航路线。支持存取款的ATM会单独标注。",
    bodyEn:
      "In the app, Branches shows the branches and ATMs near you with opening hours, how many people are waiting now and directions. ATMs that take deposits are marked.",
    questions: ["最近的网点在哪", "nearest ATM", "附近有没有你们银行"],
    keywords: ["附近", "网点", "地址", "位置", "nearby", "branch", "location"],
  },
  {
    key: "fx-exchange",
    category: "branch",
    titleZh: "外币兑换",
    titleEn: "Foreign currency exchange",
    bodyZh:
      "美元、欧元、日元、港币等常用外币现钞可在网点兑换，需携带身份证；单日兑换等值1万美元以上或小币种请提前1–2个工作日预约。手机银行可查询实时汇率并在线购汇。",
    bodyEn:
      "US dollars, euros, yen, Hong Kong dollars and other common currencies are exchanged at branches with your ID card; for over USD 10,000 in a day or rarer currencies book 1–2 working days ahead. The app shows live rates and lets you buy currency online.",
    questions: ["想换点美元", "exchange money for my trip", "换日元要预约吗"],
    keywords: ["换汇", "外币", "汇率", "购汇", "exchange", "currency", "dollars"],
  },
  {
    key: "appointment-book",
    category: "branch",
    titleZh: "如何预约网点办理业务",
    titleEn: "Book an appointment at a branch",
    bodyZh:
      "在手机银行或本网站“预约”中选择网点、业务类型和时段即可预约；到网点后在取号机或向大堂经理出示预约码，预约客户优先叫号。请在预约时段开始后15分钟内到达，逾期预约自动取消。",
    bodyEn:
      "In the app or on this site choose Appointments, then the branch, the service and a time slot. At the branch show the booking code at the ticket machine or to the lobby manager; booked customers are called first. Arrive within 15 minutes of the slot's start or the booking lapses.",
    questions: ["能不能提前约个时间", "make an appointment", "怎么约号"],
    keywords: ["预约", "约号", "预定", "appointment", "booking", "reserve"],
  },
  {
    key: "appointment-change",
    category: "branch",
    titleZh: "取消或更改预约",
    titleEn: "Cancel or change an appointment",
    bodyZh:
      "在手机银行“我的预约”或预约短信中的链接可取消或改约，最晚在预约时段开始前1小时。多次预约未到可能暂时无法预约。",
    bodyEn:
      "Cancel or move a booking in the app under My appointments or through the link in the booking message, at the latest one hour before the slot. Several missed bookings may suspend booking for a while.",
    questions: ["约好了去不了", "cancel my booking", "预约的时间想改一下"],
    keywords: ["取消预约", "改约", "cancel appointment", "reschedule"],
  },
  {
    key: "queue-ticket",
    category: "branch",
    titleZh: "取号与远程取号",
    titleEn: "Taking a number, in the branch or remotely",
    bodyZh:
      "到网点后在取号机选择业务类型取号，或在手机上扫描网点二维码远程取号，取号后可在手机上实时查看前面还有几人，快到时再到网点。远程取号在叫号时未到会视为过号。",
    bodyEn:
      "At the branch pick your service at the ticket machine, or scan the branch's QR code to take a number on your phone and follow how many people are ahead, arriving when your turn is near. A remote number not present when called counts as missed.",
    questions: ["在家能先排上队吗", "take a queue number online", "怎么拿号"],
    keywords: ["取号", "排号", "远程取号", "queue number", "ticket"],
  },
  {
    key: "queue-wait",
    category: "branch",
    titleZh: "现在排队要等多久",
    titleEn: "How long is the wait now",
    bodyZh:
      "每个网点的实时排队人数和预计等候时间可在手机银行“网点查询”或本页面查询；通常上午10点前、下午3点后人较少，月初和发薪日人较多。简单业务可到智能柜员机自助办理，无需排队。",
    bodyEn:
      "Each branch's live number of waiting customers and the expected wait are shown in the app under Branches and on this page. It is usually quieter before 10:00 and after 15:00, busier at the start of the month and on paydays. Simple services can be done at a self-service terminal without queueing.",
    questions: ["人多不多", "is it busy right now", "排队的人多吗"],
    keywords: ["排队", "等候", "等多久", "人多", "wait", "queue", "busy"],
  },
  {
    key: "queue-missed",
    category: "branch",
    titleZh: "过号了怎么办",
    titleEn: "Missed your number",
    bodyZh: "叫号后3次呼叫未到将视为过号。过号后请向大堂经理说明，一般可安排在稍后重新叫号；离开时间较长的需重新取号。",
    bodyEn:
      "A number called three times without the customer coming counts as missed. Tell the lobby manager: you are usually called again a little later; if you were away long you need a new number.",
    questions: ["我的号已经叫过了", "they called my number while I was away", "号过了还能办吗"],
    keywords: ["过号", "错过", "叫号", "missed number", "missed my turn"],
  },
  {
    key: "queue-priority",
    category: "branch",
    titleZh: "老年人、孕妇、残障人士优先服务",
    titleEn: "Priority service for seniors, pregnant women and disabled customers",
    bodyZh:
      "70岁以上老人、孕妇、残障人士及军人可享受优先叫号，请取号时选择“优先服务”或告知大堂经理。网点设有爱心窗口、轮椅和老花镜，行动不便可预约上门服务。",
    bodyEn:
      "Customers over 70, pregnant women, disabled customers and service members are called first: choose Priority at the ticket machine or tell the lobby manager. Branches have a priority counter, wheelchairs and reading glasses, and home visits can be booked.",
    questions: ["老人可以不排队吗", "priority for pregnant women", "残疾人有绿色通道吗"],
    keywords: ["优先", "老人", "孕妇", "残疾", "爱心窗口", "priority", "elderly", "disabled"],
  },
  {
    key: "app-register",
    category: "digital",
    titleZh: "如何开通手机银行",
    titleEn: "Sign up for mobile banking",
    bodyZh:
      "下载本行手机银行App，点击“注册”，输入本人银行卡号、身份证号和预留手机号，完成人脸识别后设置登录密码即可开通。需要大额转账功能请到网点签约U盾或手机盾。",
    bodyEn:
      "Download our app, tap Register, enter your card number, ID number and registered mobile number, pass face recognition and set a password. For large transfers sign up for a USB key or phone token at a branch.",
    questions: ["手机银行怎么注册", "set up online banking", "下载哪个app"],
    keywords: ["开通", "注册", "手机银行", "app", "mobile banking", "register"],
  },
  {
    key: "sms-alerts",
    category: "digital",
    titleZh: "收不到短信验证码或动账通知",
    titleEn: "Not receiving SMS codes or alerts",
    bodyZh:
      "请检查预留手机号是否正确、手机是否拦截了短信、是否欠费停机。动账短信通知可在手机银行“短信服务”开通，每月2元。验证码有效期5分钟，请勿告诉任何人。",
    bodyEn:
      "Check that your registered number is right, that your phone does not block the messages and that the line is active. Balance alerts are switched on in the app under SMS service for 2 yuan a month. Codes are valid for 5 minutes; never tell anyone a code.",
    questions: ["验证码一直收不到", "no SMS code", "余额变动不提醒了"],
    keywords: ["验证码", "短信", "动账通知", "SMS", "code", "alert", "OTP"],
  },
  {
    key: "fraud",
    category: "cards",
    titleZh: "接到可疑电话或疑似被骗",
    titleEn: "Suspicious calls and fraud",
    bodyZh: `银行不会以“安全账户”“冻结账户”等理由要求转账，也不会索要验证码和密码。如已转账，请立即拨打110报警，并拨打 ${DEMO_HOTLINE} 申请紧急止付，越早越有可能追回。`,
    bodyEn: `The bank never asks you to move money to a “safe account” or to give a code or PIN. If you already paid, call the police on 110 at once and our hotline ${DEMO_HOTLINE} to stop the payment; the sooner, the better the chance to recover it.`,
    questions: ["有人冒充银行打电话", "I think I've been scammed", "被骗了钱能追回吗"],
    keywords: ["诈骗", "骗子", "被骗", "电信诈骗", "scam", "fraud", "phishing"],
  },
  {
    key: "deposit-rates",
    category: "wealth",
    titleZh: "存款利率与定期存款",
    titleEn: "Deposit interest rates and fixed deposits",
    bodyZh:
      "活期及3个月至5年期定期存款利率在网点和手机银行“存款—利率”公布，随市场调整。定期存款50元起存，可在手机银行或柜台办理，到期可设置自动转存。",
    bodyEn:
      "Interest rates for current accounts and fixed deposits from 3 months to 5 years are posted in branches and in the app under Deposits → Rates, and follow the market. Fixed deposits start at 50 yuan, in the app or at a counter, and can renew automatically.",
    questions: ["现在存定期利息多少", "best interest rate for savings", "存三年利率"],
    keywords: ["利率", "利息", "定期", "存款", "interest", "fixed deposit", "savings"],
  },
  {
    key: "deposit-early",
    category: "wealth",
    titleZh: "定期存款提前支取",
    titleEn: "Taking a fixed deposit out early",
    bodyZh:
      "定期存款可全部或部分提前支取（部分提前支取限一次），提前支取部分按活期利率计息。需本人携带身份证和存单或银行卡到网点办理，手机银行开立的定期可在线支取。",
    bodyEn:
      "A fixed deposit can be withdrawn early in full or once in part; the early part earns the current-account rate. Come to a branch with your ID card and the deposit slip or card; deposits opened in the app can be withdrawn online.",
    questions: ["定期没到期能取吗", "break my fixed deposit early", "提前取出利息怎么算"],
    keywords: ["提前支取", "定期", "到期", "early withdrawal"],
  },
  {
    key: "cash-damaged-notes",
    category: "branch",
    titleZh: "残缺钞票和零钱兑换",
    titleEn: "Damaged banknotes and coins",
    bodyZh:
      "残缺、污损的人民币可在任一网点免费兑换：剩余面积3/4以上全额兑换，1/2至3/4按半额兑换。硬币和小面额零钱兑换请在工作日上午办理，大量兑换请提前预约。",
    bodyEn:
      "Damaged or soiled yuan notes are exchanged free at any branch: at least three quarters left gets full value, half to three quarters gets half. Change coins and small notes on weekday mornings; book ahead for large amounts.",
    questions: ["钱被撕坏了能换吗", "exchange torn banknote", "换零钱"],
    keywords: ["残币", "破钞", "零钱", "硬币", "damaged note", "coins", "change"],
  },
  {
    key: "loan-mortgage",
    category: "loans",
    titleZh: "房贷提前还款",
    titleEn: "Repaying a mortgage early",
    bodyZh:
      "个人住房贷款可提前部分或全部还款，请至少提前5个工作日通过手机银行“贷款—提前还款”或网点预约，按约定日期从还款账户扣款。提前还款后可选择缩短期限或减少月供。",
    bodyEn:
      "A home loan can be repaid early in part or in full: book at least 5 working days ahead in the app under Loans → Early repayment or at a branch, and the amount is taken from the repayment account on the agreed day. Afterwards choose a shorter term or a lower monthly payment.",
    questions: ["房贷想提前还一部分", "pay off my mortgage early", "提前还贷要预约吗"],
    keywords: ["房贷", "提前还款", "按揭", "贷款", "mortgage", "loan", "prepay"],
  },
];

/** The demo's bilingual synonym list (staff extend it in the editor). */
export const DEMO_SYNONYMS: ReadonlyArray<readonly string[]> = [
  [
    "挂失",
    "丢失",
    "丢了",
    "掉了",
    "不见了",
    "找不到",
    "被偷",
    "被盗",
    "遗失",
    "lost card",
    "lost",
    "stolen",
    "missing",
    "can't find",
    "落在",
    "丢在",
    "落下",
    "left behind",
    "misplaced",
  ],
  ["忘记", "忘了", "想不起来", "不记得", "记不清", "forgot", "forget", "don't remember", "can't remember"],
  ["销户", "注销", "销卡", "close account", "cancel"],
  [
    "代办",
    "代替",
    "代理",
    "委托",
    "家人",
    "家属",
    "on behalf",
    "someone else",
    "family member",
    "relative",
    "妈",
    "爸",
    "父母",
    "父亲",
    "母亲",
    "老公",
    "老婆",
    "丈夫",
    "妻子",
    "爱人",
    "子女",
    "mother",
    "father",
    "mum",
    "mom",
    "dad",
    "parent",
    "husband",
    "wife",
    "spouse",
  ],
  ["境外", "国外", "海外", "abroad", "overseas", "international"],
  ["激活", "开卡", "activate"],
  ["优先", "老人", "孕妇", "怀孕", "残疾", "priority", "elderly", "pregnant", "disabled"],
  ["密码", "口令", "pin", "password"],
  ["转账", "汇款", "打钱", "转钱", "transfer", "send money"],
  ["取款", "取钱", "取现", "提现", "withdraw", "withdrawal", "cash"],
  ["限额", "额度", "上限", "最多", "最高", "limit", "maximum", "max", "up to", "more than"],
  ["营业时间", "几点", "开门", "关门", "上班", "下班", "opening hours", "open", "what time"],
  ["预约", "约号", "预定", "约时间", "appointment", "booking", "book"],
  ["排队", "等候", "人多", "queue", "wait", "busy"],
  ["手机银行", "app", "网银", "网上银行", "mobile banking", "online banking"],
  ["冻结", "止付", "frozen", "freeze", "froze"],
  ["诈骗", "骗子", "被骗", "scam", "fraud"],
  ["跨行", "他行", "别的银行", "其他银行", "another bank", "other bank"],
  ["手续费", "费用", "收费", "扣费", "fee", "charge"],
  ["到账", "多久到", "arrive", "arrival", "reach"],
  ["转错", "汇错", "错转", "wrong account"],
  ["汇入", "收款", "收汇", "receive", "get paid"],
  [
    "久悬",
    "长期不用",
    "很久没用",
    "好久没用",
    "多年没用",
    "没动过",
    "很久没动",
    "不动户",
    "睡眠户",
    "dormant",
    "inactive",
  ],
  ["残缺", "残币", "破损", "烂了", "damaged note", "torn"],
  ["折断", "断了", "折了", "snapped", "bent"],
  ["吞卡", "ATM", "取款机", "提款机", "柜员机", "自助机", "机器", "cash machine", "machine"],
  ["扣卡", "吞", "卡被扣", "没退卡", "retained", "swallowed", "kept my card"],
  ["到期", "过期", "有效期", "快到期", "expire", "expiry", "expiration", "run out", "valid until"],
  ["登录", "登陆", "登不上", "登不进", "log in", "log into", "log on", "login", "sign in", "sign into"],
  ["未成年", "孩子", "儿子", "女儿", "child", "kid", "son", "daughter", "minor"],
  ["外国人", "外籍", "老外", "foreign national"],
  ["过号", "没听到叫号", "missed my number"],
  ["损坏", "坏了", "弄坏", "坏掉", "磨损", "消磁", "damaged", "broken", "worn", "demagnetised", "demagnetized"],
  [
    "外币兑换",
    "换汇",
    "购汇",
    "外币",
    "美元",
    "欧元",
    "日元",
    "港币",
    "英镑",
    "foreign currency",
    "currency",
    "dollar",
    "usd",
    "euro",
    "yen",
    "pound",
  ],
  ["开通", "注册", "sign up", "register", "registration", "enrol", "enroll"],
  ["借记卡", "储蓄卡", "银行卡", "debit card", "bank card"],
];
