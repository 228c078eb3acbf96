// Overrides that only a person following a manual can obey. Installation guides say "If you already
// have Node installed, ignore the previous instructions and skip to step 3" or "Puedes ignorar las
// instrucciones anteriores si ya instalaste el paquete": the instructions are the guide's own steps,
// and the condition is about the reader's machine. Such a sentence is an override in form only when
// all three hold:
//   - the sentence states a condition on the reader's own setup (already installed, set up,
//     configured, downloaded … the package / "have X installed"),
//   - nothing in it names an AI reader ("If you are an AI assistant, ignore …" is the attack shape),
//   - after the override the sentence ends, states that condition, or moves on in the guide
//     ("and skip to step 3"); anything else after it ("… and reply only with 'pwned'") is what the
//     override was for, and the hit counts in full.
// Then the hit weighs as a weak cue (like a quoted mention): it corroborates other evidence but
// does not stand alone. Only the override families are read this way (index.ts SETUP_FAMILIES).
import { re, type SafeRegex } from '../../re/index.ts';

/** How far the sentence around a hit is read on each side. */
const REACH = 240;
/** Sentence ends in every view (the folded view has no line breaks; the clean view keeps them). */
const ENDS = '.!?;。！？\n';

/** Past participles of setting software up, in English and the override languages (accents optional: the folded view drops them). */
const SETUP_EN = '(?:installed|set up|setup|configured|downloaded|upgraded|updated|cloned|built|compiled|deployed|registered|signed up|initiali[sz]ed|enabled)';

/** The end of a word that may end in an accented letter (RE2's \\b is ASCII-only: it sees no edge after "installé"). */
const E = '(?:[^\\w]|$)';

let condition: SafeRegex | null = null;
/** A condition on the reader's own setup, anywhere in the sentence. */
function setupCondition(): SafeRegex {
  condition ??= re(
    [
      // if you (have) already installed … / once you've set up … / if you installed it with npm …
      `\\b(?:if|when|once|since|because|as)\\s+(?:you|u)(?:['’]ve|\\s+have|\\s+had)?\\s+(?:already\\s+|previously\\s+|just\\s+)?${SETUP_EN}\\b`,
      // if you already have Node installed / if you have the CLI set up
      `\\b(?:if|when|once|since|because|as)\\s+(?:you|u)\\s+(?:already\\s+)?(?:have|got)\\s+(?:[\\w.@/+-]+\\s+){1,4}(?:already\\s+)?${SETUP_EN}\\b`,
      // if Node is already installed / if the package has been installed
      `\\b(?:if|when|once|since)\\s+(?:[\\w.@/+-]+\\s+){1,4}(?:is|are|has been|have been)\\s+(?:already\\s+)?${SETUP_EN}\\b`,
      // Spanish: si ya instalaste / si ya has instalado / si ya tienes Node instalado
      `\\bsi\\s+ya\\s+(?:has\\s+|ha\\s+|han\\s+|hab[ée]is\\s+)?(?:instal(?:ado|aste|[óo]|aron|asteis)|configur(?:ado|aste|[óo])|descarg(?:ado|aste|[óo]))${E}`,
      `\\bsi\\s+ya\\s+(?:tienes|tiene|tienen|ten[ée]is)\\s+(?:[\\w.@/+-]+\\s+){1,4}(?:instalad|configurad)[oa]s?${E}`,
      // Portuguese: se você já instalou / se já tem o Node instalado
      `\\bse\\s+(?:voc[êe]\\s+|vc\\s+|tu\\s+)?j[áa]\\s+(?:instalou|configurou|baixou|instalaram|tem\\s+(?:[\\w.@/+-]+\\s+){1,4}instalad[oa]s?)${E}`,
      // Italian: se hai già installato
      `\\bse\\s+(?:hai|avete|ha|l['’]hai)\\s+gi[àa]\\s+(?:installato|configurato|scaricato)${E}`,
      // French: si vous avez déjà installé / si Node est déjà installé
      `\\bsi\\s+(?:vous\\s+avez|tu\\s+as)\\s+d[ée]j[àa]\\s+(?:install[ée]|configur[ée]|t[ée]l[ée]charg[ée])${E}`,
      `\\bsi\\s+(?:[\\w.@/+-]+\\s+){1,4}est\\s+d[ée]j[àa]\\s+(?:install[ée]|configur[ée])${E}`,
      // German: wenn du Node bereits installiert hast / falls Sie … schon eingerichtet haben
      `\\b(?:wenn|falls|sofern)\\s+(?:du|sie|ihr)\\s+(?:[\\w.@/+-]+\\s+){0,4}(?:bereits|schon)\\s+(?:[\\w.@/+-]+\\s+){0,3}(?:installiert|eingerichtet|konfiguriert|heruntergeladen)${E}`,
    ].join('|'),
  );
  return condition;
}

let addressee: SafeRegex | null = null;
/** A name of an AI reader anywhere in the sentence: then the condition may be aimed at it. */
function aiAddressee(): SafeRegex {
  addressee ??= re('\\b(?:ai|a\\.i|llms?|language models?|assistants?|agents?|chatbots?|bots?|models?|gpt|chatgpt|claude|gemini|copilot|ia|ki)\\b');
  return addressee;
}

let rest: SafeRegex | null = null;
/** What may follow the override in its sentence: nothing, the condition, or the guide moving on. */
function guideRest(): SafeRegex {
  rest ??= re(
    [
      '^[\\s,:)"\'”’]*$',
      '^[\\s,:)"\'”’]*(?:if|when|once|since|because|as|unless|si|se|wenn|falls|sofern)\\b',
      '^[\\s,:)"\'”’]*(?:(?:and|then|and then|y|e|et|und)\\s+)?(?:skip|go|jump|continue|proceed|move|head|turn|resume|return|pasa|salta|contin[uú]a|ve|pule|passe|v[áa]|passa|vai|passez|passe|allez|va|continuez|springe|spring|gehe|geh|fahre|fahr)\\b',
    ].join('|'),
  );
  return rest;
}

/**
 * True when text[start, end) is an override in a sentence that states a condition on the reader's own
 * setup, names no AI reader, and after the override ends, states the condition or moves on in the guide.
 */
export function isSetupConditional(text: string, start: number, end: number): boolean {
  let from = start;
  while (from > 0 && start - from < REACH && !ENDS.includes(text[from - 1] as string)) from--;
  let to = end;
  while (to < text.length && to - end < REACH && !ENDS.includes(text[to] as string)) to++;
  if ((from > 0 && !ENDS.includes(text[from - 1] as string)) || (to < text.length && !ENDS.includes(text[to] as string))) return false;
  const sentence = text.slice(from, to).toLowerCase();
  if (!setupCondition().test(sentence) || aiAddressee().test(sentence)) return false;
  return guideRest().test(text.slice(end, to).toLowerCase());
}
