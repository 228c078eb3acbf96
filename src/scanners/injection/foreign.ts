// Non-English override and role-change patterns, matched on the plain view (NFKC clean text,
// lower-cased, whitespace collapsed) rather than the confusable skeleton, which would turn
// Cyrillic or Greek words into Latin look-alikes. Each language is written as verb × qualifier × object, in either order,
// within one sentence, so that word order and inflection variants are covered.
import type { PatternSpec } from './rules.ts';

/** Alternatives, each given an ASCII word-start boundary when it begins with an ASCII letter (RE2's \\b is ASCII-only). */
function W(...parts: readonly string[]): string {
  const asciiInitial = (p: string): boolean => p.charCodeAt(0) >= 0x61 && p.charCodeAt(0) <= 0x7a;
  return `(?:${parts.map((p) => (asciiInitial(p) ? `\\b${p}` : p)).join('|')})`;
}
/** A bounded stretch inside one sentence. */
const S = (n: number): string => `[^.!?。！？\\n]{0,${n}}?`;

function alt(...parts: readonly string[]): string {
  return `(?:${parts.join('|')})`;
}

function clean(label: string, weight: number, src: string): PatternSpec {
  return { label, weight, src, view: 'plain' };
}

/** verb … (qualifier … object | object … qualifier), all inside one sentence. */
function vqo(verb: string, qual: string, obj: string, n = 40): string {
  return `${verb}${S(n)}(?:${qual}${S(24)}${obj}|${obj}${S(30)}${qual})`;
}

// Spanish
const ES_VERB = W('ignora', 'ignore', 'ignorad', 'ignoren', 'ignorar', 'olvida', 'olvide', 'olvidad', 'olviden', 'olvidar', 'descarta', 'descarte', 'descartar', 'omite', 'omita', 'omitir', 'desatiende', 'desestima', 'haz caso omiso (?:a|de)', 'no (?:sigas|siga|obedezcas|obedezca|cumplas|hagas caso (?:a|de))', 'anula', 'anule', 'salta(?:te)?', 'pasa por alto');
const ES_QUAL = alt('del usuario', 'de la usuaria', 'anteriores', 'previas', 'precedentes', 'de arriba', 'originales', 'iniciales', 'del sistema', 'dadas', 'recibidas', 'que te (?:dieron|han dado|di)');
const ES_OBJ = alt('instrucciones', 'indicaciones', 'reglas', 'directrices', 'órdenes', 'ordenes', 'mensajes', 'normas', 'pautas', 'restricciones', 'prompts?', 'comandos', 'directivas');
// Portuguese
const PT_VERB = W('ignore', 'ignora', 'ignorem', 'ignorar', 'esqueça', 'esqueca', 'esquece', 'esqueçam', 'desconsidere', 'desconsidera', 'despreze', 'descarte', 'não (?:siga|sigas|obedeça)', 'nao (?:siga|obedeca)', 'pule', 'anule');
const PT_QUAL = alt('do usuário', 'do usuario', 'do utilizador', 'anteriores', 'prévias', 'previas', 'acima', 'originais', 'iniciais', 'do sistema', 'dadas', 'recebidas');
const PT_OBJ = alt('instruções', 'instrucoes', 'instrução', 'regras', 'diretrizes', 'orientações', 'orientacoes', 'comandos', 'ordens', 'mensagens', 'prompts?', 'diretivas');
// Italian
const IT_VERB = W('ignora', 'ignorate', 'ignori', 'ignorare', 'dimentica', 'dimenticate', 'dimentichi', 'trascura', 'tralascia', 'non (?:seguire|seguite|segua|obbedire)', 'scarta', 'annulla', 'salta');
const IT_QUAL = alt("dell['’]utente", 'precedenti', 'di sopra', 'sopra', 'originali', 'iniziali', 'del sistema', 'fornite', 'ricevute', 'date');
const IT_OBJ = alt('istruzioni', 'regole', 'indicazioni', 'direttive', 'comandi', 'ordini', 'messaggi', 'prompt', 'linee guida', 'consegne');
// German
const DE_VERB = W('ignoriere', 'ignorier', 'ignorieren sie', 'ignoriert', 'ignorieren', 'vergiss', 'vergessen sie', 'vergesst', 'missachte', 'missachten sie', 'verwirf', 'verwerfen sie', 'überspringe', 'übergehe', '(?:beachte|befolge)n?(?: sie)? (?:nicht|keine)', 'setze außer kraft');
const DE_QUAL = alt('des nutzers', 'des benutzers', 'des anwenders', 'der nutzerin', 'vorherigen', 'vorigen', 'bisherigen', 'obigen', 'vorangegangenen', 'vorangehenden', 'früheren', 'ursprünglichen', 'anfänglichen', 'alle', 'vorher', 'zuvor', 'oben', 'system');
const DE_OBJ = alt('anweisungen', 'anweisung', 'instruktionen', 'befehle', 'regeln', 'vorgaben', 'richtlinien', 'anordnungen', 'eingaben', 'prompts?', 'systemanweisungen', 'systemprompt', 'direktiven', 'aufträge');
// French
const FR_VERB = W('ignore[sz]?', 'ignorer', 'oublie[sz]?', 'oublier', 'néglige[sz]?', 'ne (?:tiens|tenez) pas compte', 'fais abstraction', 'faites abstraction', 'abandonne[sz]?', 'écarte[sz]?', 'outrepasse[sz]?', 'ne (?:suis|suivez|respecte|respectez) (?:pas|plus)', 'annule[sz]?', 'passe[sz]? outre');
const FR_QUAL = alt("de l['’]utilisateur", "de l['’]utilisatrice", 'précédentes', 'precedentes', 'antérieures', 'anterieures', 'ci-dessus', "d'avant", 'initiales', 'originales', 'du système', 'du systeme', 'toutes', 'reçues', 'données');
const FR_OBJ = alt('instructions?', 'consignes?', 'règles', 'regles', 'directives', 'ordres', 'indications', 'commandes', 'prompts?', 'messages');
// Russian (Cyrillic; inflected endings via \p{L}*)
const RU_VERB = W('игнорируй(?:те)?', 'проигнорируй(?:те)?', 'игнорировать', 'забудь(?:те)?', 'забыть', 'не обращай(?:те)? внимания на', 'отбрось(?:те)?', 'отмени(?:те)?', 'пренебреги(?:те)?', 'не следуй(?:те)?', 'не выполняй(?:те)?', 'не слушай(?:те)?', 'пропусти(?:те)?');
const RU_QUAL = alt('пользовател\\p{L}*', 'предыдущ\\p{L}*', 'прежн\\p{L}*', 'вышеуказанн\\p{L}*', 'вышеизложенн\\p{L}*', 'выше', 'все', 'всё', 'предшествующ\\p{L}*', 'изначальн\\p{L}*', 'исходн\\p{L}*', 'системн\\p{L}*', 'ранее', 'стары\\p{L}*');
const RU_OBJ = alt('инструкци\\p{L}*', 'указани\\p{L}*', 'правил\\p{L}*', 'команд\\p{L}*', 'директив\\p{L}*', 'промпт\\p{L}*', 'ограничени\\p{L}*', 'установк\\p{L}*', 'распоряжени\\p{L}*');

// Chinese (simplified and traditional)
const ZH_VERB = alt('忽略', '无视', '無視', '忽视', '忽視', '不要理会', '不要理會', '不理会', '不理會', '别管', '別管', '忘记', '忘記', '忘掉', '丢弃', '丟棄', '抛弃', '拋棄', '放弃', '放棄', '跳过', '跳過', '绕过', '繞過', '覆盖', '覆蓋', '不要遵守', '不要遵循', '不再遵守', '停止遵循');
const ZH_QUAL = alt('用户', '用戶', '使用者', '之前', '以前', '先前', '上面', '上述', '以上', '前面', '此前', '原来', '原來', '原始', '原先', '所有', '全部', '一切', '你的', '系统', '系統', '早先', '最初');
const ZH_OBJ = alt('指令', '指示', '说明', '說明', '提示', '规则', '規則', '命令', '要求', '设定', '設定', '限制', '约束', '約束', '准则', '準則', '内容', '內容', '对话', '對話', '任务', '任務');
// Japanese
const JA_QUAL = alt('ユーザー', 'ユーザ', '利用者', '以前', '前', '上記', '上の', 'これまで', '今まで', '先ほど', '先程', '最初', '元', 'すべて', '全て', '全部', 'あなたの', 'システム');
const JA_OBJ = alt('指示', '命令', '指令', 'ルール', '規則', 'プロンプト', '設定', '制約', 'ガイドライン', '説明');
const JA_VERB = alt('無視', '忘れ', '破棄', '取り消', '無効', '従わない', '従うな', 'スキップ');
// Korean
const KO_QUAL = alt('사용자', '이용자', '이전', '앞의', '앞서', '위의', '위', '기존', '모든', '원래', '지금까지', '시스템', '초기');
const KO_OBJ = alt('지시', '지침', '명령', '규칙', '프롬프트', '설정', '지시사항', '안내', '제약', '규정');
const KO_VERB = alt('무시', '잊어', '잊고', '잊으', '취소', '따르지\\s*마', '따르지\\s*말', '버려', '폐기');

/** The pattern's literal letters without their accents, as the folded view writes them (`envía` → `envia`). */
function unaccented(src: string): string {
  return src.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');
}

/**
 * The overrides of the Latin-script languages again, on the folded view: the plain view keeps
 * look-alike letters and accents as they are, so `instrucciоnes` with a Cyrillic о, or `vorhérigen`
 * with a stray accent, slipped past the plain patterns. The folded view maps look-alikes to Latin and
 * drops accents, so these copies are written without accents. A copy keeps its original's label: a
 * hit of both is one phrase, and a hit of the copy alone is what the homoglyph booster looks for. (Not for Cyrillic, Greek or CJK
 * patterns: the skeleton would turn their letters into Latin look-alikes.)
 */
function alsoFolded(specs: readonly PatternSpec[]): PatternSpec[] {
  const latin = specs.filter((s) => /^(?:es|pt|it|de|fr)-/.test(s.label));
  return [...specs, ...latin.map((s) => ({ ...s, src: unaccented(s.src), view: 'folded' as const }))];
}

/** Latin letters that pass for these Cyrillic ones (lower case, as the plain view writes both). */
const CYRILLIC_LOOKALIKE: Readonly<Record<string, string>> = { а: 'a', в: 'b', е: 'e', ё: 'ë', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x' };

/**
 * The Russian patterns with each Cyrillic letter that has a Latin look-alike also accepting it:
 * `Игнoрируй` with a Latin o, or `инcтрукции` with a Latin c, reads as Russian to a model. (The
 * folded view cannot help here: the skeleton turns Cyrillic letters into Latin ones, and the
 * patterns are Cyrillic.) Only letters outside character classes are widened.
 */
function mixedScript(specs: readonly PatternSpec[]): PatternSpec[] {
  return specs.map((spec) => {
    if (!spec.label.startsWith('ru-')) return spec;
    let out = '';
    let inClass = false;
    for (let i = 0; i < spec.src.length; i++) {
      const ch = spec.src[i] as string;
      if (ch === '\\') {
        out += spec.src.slice(i, i + 2);
        i++;
        continue;
      }
      if (inClass) {
        if (ch === ']') inClass = false;
        out += ch;
        continue;
      }
      if (ch === '[') inClass = true;
      const latin = CYRILLIC_LOOKALIKE[ch];
      out += latin === undefined ? ch : `[${ch}${latin}]`;
    }
    return { ...spec, src: out };
  });
}

export const FOREIGN_OVERRIDE: readonly PatternSpec[] = alsoFolded(mixedScript([
  clean('es-ignore-previous', 7.5, vqo(ES_VERB, ES_QUAL, ES_OBJ)),
  clean('es-forget-everything', 7, `${W('olvida', 'olvide', 'olvidad', 'olviden')}\\s+todo\\s+(?:lo\\s+)?(?:que\\s+)?${S(20)}${alt('dicho', 'dijeron', 'dije', 'indicado', 'enseñado', 'ordenado', 'anterior', 'antes')}`),
  clean('pt-ignore-previous', 7.5, vqo(PT_VERB, PT_QUAL, PT_OBJ)),
  clean('pt-forget-everything', 7, `${W('esqueça', 'esqueca', 'esquece')}\\s+tudo\\s+(?:o\\s+)?(?:que\\s+)?${S(20)}${alt('disse', 'disseram', 'dito', 'ensinado', 'instruído', 'anterior', 'antes')}`),
  clean('it-ignore-previous', 7.5, vqo(IT_VERB, IT_QUAL, IT_OBJ)),
  clean('it-forget-everything', 7, `${W('dimentica', 'dimenticate', 'dimentichi')}\\s+tutto\\s+(?:quello|ciò|cio)\\s+che\\s+${S(20)}${alt('detto', 'dato', 'insegnato', 'istruito', 'prima')}`),
  clean('de-ignore-previous', 7.5, vqo(DE_VERB, DE_QUAL, DE_OBJ)),
  clean('de-object-nicht', 7.5, `\\b(?:beachte|befolge)n?(?: sie)?${S(10)}${DE_QUAL}${S(20)}${DE_OBJ}${S(10)}nicht`),
  clean('de-forget-everything', 7, `${W('vergiss', 'vergessen sie', 'vergesst', 'ignoriere', 'ignorieren sie')}\\s+alles${S(30)}${alt('gesagt', 'gegeben', 'befohlen', 'aufgetragen', 'beigebracht', 'vorher', 'zuvor', 'bisher', 'oben')}`),
  clean('fr-ignore-previous', 7.5, vqo(FR_VERB, FR_QUAL, FR_OBJ)),
  clean('fr-forget-everything', 7, `${W('oublie', 'oubliez', 'ignore', 'ignorez')}\\s+tout\\s+ce\\s+qu${S(30)}${alt('dit', 'appris', 'donné', 'donne', 'précède', 'precede', 'avant')}`),
  clean('ru-ignore-previous', 7.5, vqo(RU_VERB, RU_QUAL, RU_OBJ)),
  clean('ru-forget-everything', 7, `${W('забудь(?:те)?', 'игнорируй(?:те)?')}\\s+(?:всё|все)${S(30)}${alt('говорили', 'сказали', 'сказано', 'учили', 'было сказано', 'ранее', 'до этого', 'выше')}`),
  clean('zh-ignore-previous', 7.5, `${ZH_VERB}${S(12)}${ZH_QUAL}${S(8)}${ZH_OBJ}`),
  clean('ja-ignore-previous', 7.5, `${JA_QUAL}${S(10)}${JA_OBJ}${S(10)}${JA_VERB}`),
  clean('ja-ignore-previous-verb-first', 7, `${alt('無視して', '忘れて')}${S(10)}${JA_QUAL}${S(10)}${JA_OBJ}`),
  clean('ko-ignore-previous', 7.5, `${KO_QUAL}${S(12)}${KO_OBJ}${S(16)}${KO_VERB}`),
  // reveal the system prompt
  clean('es-reveal-prompt', 6, `${W('muestra', 'muéstrame', 'revela', 'revélame', 'imprime', 'repite', 'dime', 'escribe')}${S(20)}${alt('tu prompt del sistema', 'el prompt del sistema', 'tus instrucciones (?:iniciales|originales|del sistema)', 'el mensaje del sistema')}`),
  clean('fr-reveal-prompt', 6, `${W('montre', 'montrez', 'révèle', 'révélez', 'affiche', 'affichez', 'répète', 'répétez', 'donne', 'donnez')}${S(20)}${alt('ton prompt système', 'votre prompt système', 'le prompt système', 'tes instructions (?:initiales|originales)', 'vos instructions (?:initiales|originales)', 'le message système')}`),
  clean('de-reveal-prompt', 6, `${W('zeige', 'zeig', 'gib', 'wiederhole', 'verrate', 'nenne', 'drucke')}${S(20)}${alt('deinen systemprompt', 'den systemprompt', 'deine (?:ursprünglichen|anfänglichen|ersten) anweisungen', 'die systemnachricht', 'deine systemanweisungen')}`),
  clean('ru-reveal-prompt', 6, `${W('покажи', 'выведи', 'повтори', 'раскрой', 'напиши', 'скажи')}${S(20)}${alt('(?:свой|твой|системн\\p{L}*) промпт', 'системн\\p{L}* (?:инструкци|сообщени)\\p{L}*', '(?:свои|твои) (?:исходные|первоначальные) инструкции')}`),
  clean('zh-reveal-prompt', 6, `${alt('输出', '輸出', '显示', '顯示', '打印', '重复', '重複', '告诉我', '告訴我', '透露', '泄露', '洩露', '展示')}${S(10)}${alt('系统提示', '系統提示', '初始指令', '系统指令', '系統指令', '你的指令', '提示词', '提示詞', '原始指令')}`),
  clean('ja-reveal-prompt', 6, `${alt('システムプロンプト', '初期指示', '最初の指示', '元の指示')}${S(10)}${alt('表示', '出力', '教えて', '見せて', '繰り返', '公開')}`),
  clean('ko-reveal-prompt', 6, `${alt('시스템\\s*프롬프트', '초기\\s*지시', '원래\\s*지시')}${S(12)}${alt('보여', '출력', '알려', '반복', '공개')}`),
]));

export const FOREIGN_ROLE: readonly PatternSpec[] = mixedScript([
  clean('es-you-are-now', 4, `${W('ahora eres', 'ahora serás', 'a partir de ahora(?:,)? (?:eres|serás|actuarás|vas a ser|te llamas)', 'desde ahora(?:,)? (?:eres|serás)', 'ya no eres', 'de ahora en adelante(?:,)? (?:eres|serás)')}(?:$|[^\\p{L}])`),
  clean('es-act-as', 2, `${W('actúa como', 'actua como', 'finge ser', 'haz de cuenta que eres', 'compórtate como')}(?:$|[^\\p{L}])`),
  clean('pt-you-are-now', 4, `${W('agora você é', 'agora voce e', 'agora tu és', 'a partir de agora(?:,)? (?:você|voce|tu) (?:é|e|será|sera|vai ser)', 'você não é mais', 'voce nao e mais', 'de agora em diante(?:,)? (?:você|voce) (?:é|e|será)')}(?:$|[^\\p{L}])`),
  clean('pt-act-as', 2, `${W('finja ser', 'aja como', 'comporte-se como')}(?:$|[^\\p{L}])`),
  clean('it-you-are-now', 4, `${W('ora sei', 'adesso sei', "da ora in poi(?:,)? (?:sei|sarai)", "d'ora in poi(?:,)? (?:sei|sarai)", 'non sei più', 'non sei piu')}(?:$|[^\\p{L}])`),
  clean('it-act-as', 2, `${W('fingi di essere', 'comportati come', 'agisci come')}(?:$|[^\\p{L}])`),
  clean('de-you-are-now', 4, `${W('du bist (?:jetzt|nun|ab sofort|ab jetzt|von nun an)', 'ab (?:jetzt|sofort) bist du', 'von nun an bist du', 'sie sind (?:jetzt|nun|ab sofort) (?:ein|eine|der|die|das)', 'du bist nicht mehr', 'sie sind nicht mehr')}(?:$|[^\\p{L}])`),
  clean('de-act-as', 2, `${W('tu so,? als', 'agiere als', 'verhalte dich (?:wie|als)', 'spiele die rolle', 'gib dich als')}(?:$|[^\\p{L}])`),
  clean('fr-you-are-now', 4, `${W('tu es (?:maintenant|désormais|dorénavant|à présent)', 'vous êtes (?:maintenant|désormais|dorénavant|à présent)', 'à partir de maintenant(?:,)? (?:tu es|vous êtes|tu seras|vous serez)', 'désormais(?:,)? (?:tu es|vous êtes)', "tu n'es plus", "vous n'êtes plus")}(?:$|[^\\p{L}])`),
  clean('fr-act-as', 2, `${W("fais semblant d'être", "faites semblant d'être", 'joue le rôle', 'jouez le rôle', 'agis comme', 'agissez comme')}(?:$|[^\\p{L}])`),
  clean('ru-you-are-now', 4, `${W('теперь ты', 'отныне ты', 'ты теперь', 'с этого момента ты', 'ты больше не', 'теперь вы', 'отныне вы', 'вы больше не')}(?:$|[^\\p{L}])`),
  clean('ru-act-as', 2, `${W('притворись', 'представь, что ты', 'веди себя как', 'играй роль', 'действуй как')}(?:$|[^\\p{L}])`),
  clean('zh-you-are-now', 4, alt('你现在是', '你現在是', '从现在开始(?:，|,)?你', '從現在開始(?:，|,)?你', '从现在起(?:，|,)?你', '從現在起(?:，|,)?你', '你将扮演', '你將扮演', '你不再是', '现在你是', '現在你是', '从今以后(?:，|,)?你')),
  clean('zh-act-as', 2, alt('扮演一个', '扮演一個', '假装你是', '假裝你是', '充当', '充當')),
  clean('ja-you-are-now', 4, alt('あなたは今', '今からあなたは', 'これからあなたは', 'あなたはもう', 'あなたはこれから', 'お前は今から', '君は今から')),
  clean('ja-act-as', 2, alt('として振る舞', 'になりきって', 'のふりをして')),
  clean('ko-you-are-now', 4, alt('너는\\s*이제', '당신은\\s*이제', '이제부터\\s*(?:너는|당신은|넌)', '지금부터\\s*(?:너는|당신은|넌)', '넌\\s*이제', '더\\s*이상\\s*(?:ai가|어시스턴트가)\\s*아니')),
  clean('ko-act-as', 2, alt('인\\s*척\\s*해', '처럼\\s*행동해', '역할을\\s*해')),
]);
