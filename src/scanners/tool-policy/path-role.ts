// What a tool does with a path argument: writes it (the destination) or reads it (everything
// else). A write tool's path is where it writes; a transfer tool (copy, move, rename, upload,
// sync) reads its source and writes only its destination, so `copy_file {source: ~/.aws/credentials}`
// is a credential read and `move_file {destination: ~/.bashrc}` a start-up file write.
import { re } from '../../re/index.ts';

export type PathRole = 'read' | 'write';

/** Tools that move data from a source to a destination. */
const TRANSFER_TOOL = re('(?:^|[_.-])(?:copy|cp|move|mv|rename|upload|sync|transfer|duplicate|clone)(?:$|[_.-])');
/** Tools whose path arguments are where they write (or what they delete). */
const WRITE_TOOL = re('(?:^|[_.-])(?:write|edit|create|append|save|put|update|patch|replace|insert|str_replace|multiedit|notebookedit|mkdir|touch|delete|remove|unlink|truncate|rmdir)');
/** Argument keys that name a transfer's destination. */
const DESTINATION_KEY = re('^(?:dest|dst|destination|destination_?path|destination_?file|target|target_?path|target_?file|to|to_?path|new_?path|new_?name|output|output_?path|output_?file|out)$');

/** The role of the path argument under `key` (lower case, `-` as `_`) of tool `tool` (lower case). */
export function pathRole(tool: string, key: string): PathRole {
  if (TRANSFER_TOOL.test(tool)) return DESTINATION_KEY.test(key) ? 'write' : 'read';
  return WRITE_TOOL.test(tool) ? 'write' : 'read';
}
