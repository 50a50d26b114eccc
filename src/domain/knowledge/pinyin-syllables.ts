/**
 * The syllables of Mandarin pinyin without tones (ü written v), as pinyin-pro spells them: used to split a
 * customer's pinyin typed without spaces ("guashi" → gua shi) and to tell pinyin from English words.
 */
export const PINYIN_SYLLABLES: ReadonlySet<string> = new Set(
  (
    "a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen ceng " +
    "cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu " +
    "cuan cui cun cuo da dai dan dang dao de den deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei " +
    "en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang " +
    "gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao " +
    "jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun " +
    "kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu long lou lu luan lun luo lv lve ma mai " +
    "man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian " +
    "niang niao nie nin ning niu nong nou nu nuan nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin " +
    "ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou " +
    "ru ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shen sheng shi shou shu shua shuai " +
    "shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong " +
    "tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan " +
    "xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai " +
    "zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui " +
    "zun zuo"
  ).split(" "),
);

/**
 * Splits letters into pinyin syllables, as few as possible ("yinhangka" → yin hang ka); undefined when the
 * letters are not pinyin ("card").
 */
export function splitPinyin(letters: string): string[] | undefined {
  const n = letters.length;
  if (n === 0 || n > 40) return undefined;
  // best[i]: the fewest syllables covering letters[0, i), with the split that reaches it.
  const best: Array<{ count: number; from: number } | undefined> = new Array(n + 1).fill(undefined);
  best[0] = { count: 0, from: -1 };
  for (let i = 0; i < n; i++) {
    const here = best[i];
    if (!here) continue;
    for (let len = 1; len <= 6 && i + len <= n; len++) {
      if (!PINYIN_SYLLABLES.has(letters.slice(i, i + len))) continue;
      const next = best[i + len];
      if (!next || next.count > here.count + 1) best[i + len] = { count: here.count + 1, from: i };
    }
  }
  if (!best[n]) return undefined;
  const out: string[] = [];
  for (let end = n; end > 0; ) {
    const step = best[end];
    if (!step) return undefined;
    out.unshift(letters.slice(step.from, end));
    end = step.from;
  }
  return out;
}

/**
 * Every shortest split of letters into pinyin syllables (at most 4): "xiane" → [xian, e] and [xia, ne];
 * none when the letters are not pinyin.
 */
export function splitPinyinAll(letters: string): string[][] {
  const n = letters.length;
  if (n === 0 || n > 40) return [];
  // ways[i]: the shortest splits of letters[0, i) (at most 4 kept).
  const ways: Array<string[][] | undefined> = new Array(n + 1).fill(undefined);
  ways[0] = [[]];
  for (let i = 0; i < n; i++) {
    const here = ways[i];
    if (!here) continue;
    for (let len = 1; len <= 6 && i + len <= n; len++) {
      const syllable = letters.slice(i, i + len);
      if (!PINYIN_SYLLABLES.has(syllable)) continue;
      const count = (here[0] as string[]).length + 1;
      const there = ways[i + len];
      const extended = here.map((w) => [...w, syllable]);
      if (!there || (there[0] as string[]).length > count) ways[i + len] = extended.slice(0, 4);
      else if ((there[0] as string[]).length === count) ways[i + len] = [...there, ...extended].slice(0, 4);
    }
  }
  return ways[n] ?? [];
}
