// normalize: the single source of text normalisation and decoding for every scanner.
// Invisible-character stripping, NFKC, confusable skeleton, leetspeak fold and layered
// decoding live here and nowhere else. Pure: no I/O, bounded in depth and output size.
export * from './types.ts';
export { prepare, normalizeText, cleanText, foldText } from './prepare.ts';
export { stripInvisible, classifyInvisible, forEachInvisible } from './invisible.ts';
export { foldConfusables, CONFUSABLES_RAW } from './confusables.ts';
export { foldLeet, collapseWhitespace, stripCombining } from './fold.ts';
export { isMostlyText } from './decode/bytes.ts';
export { QuietTexts } from './quiet-texts.ts';
export { isAscii } from './ascii.ts';
