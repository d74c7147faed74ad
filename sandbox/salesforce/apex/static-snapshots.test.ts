/**
 * Statics start anew in every transaction ("Static and Instance Methods, Variables, and Initialization Code"), whether
 * the runtime ran their initialiser again or copied what a transaction-independent one gave the first time.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SandboxOrg } from '../org/sandbox-org.js';
import type { SandboxUser } from '../org/users.js';
import { ApexRuntime } from './apex-runtime.js';
import { ApexProgram } from './program.js';

const forceAppDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../force-app');

const CLASSES = {
  'Config.cls': `public class Config {
    public class Entry {
        public final String name;
        public List<String> tags = new List<String>();
        public Entry(String name) { this.name = name; }
        public Entry tagged(String tag) { tags.add(tag); return this; }
    }
    public static final Map<String, Entry> ENTRIES = new Map<String, Entry>{
        'a' => new Entry('a').tagged('first'),
        'b' => new Entry('b')
    };
    public static final List<String> NAMES = new List<String>{ 'a', 'b' };
    public static final List<String> SAME_NAMES = NAMES;
}`,
  'Counter.cls': `public class Counter {
    public static Integer n = 0;
}`,
  'Reader.cls': `public class Reader {
    public static Integer seen = Counter.n;
}`,
  'RunningUser.cls': `public class RunningUser {
    public static Id id = UserInfo.getUserId();
}`,
  'Lookup.cls': `public class Lookup {
    public static Integer accounts = [SELECT COUNT() FROM Account];
    static { Counter.n = 42; }
    public static Integer one() { return 1; }
}`,
  'UsesLookup.cls': `public class UsesLookup {
    public static Integer x = Lookup.one();
}`,
  'Registry.cls': `public class Registry {
    public static final Registry ONLY = new Registry();
    public static final Integer HASH = ONLY.hashCode();
}`,
  'Shallow.cls': `public class Shallow {
    public static Integer x = helper();
    static Integer helper() { return 1; }
}`,
  'Recursion.cls': `public class Recursion {
    public static Integer down(Integer depth) { return depth == 0 ? Shallow.x : down(depth - 1); }
}`,
  'Key.cls': `public class Key {
    public static final Key ONLY = new Key();
    public static final Map<Key, String> LABELS = new Map<Key, String>{ ONLY => 'only' };
}`,
};

function runtimeWith(snippets: Record<string, string>): {
  runtime: ApexRuntime;
  run(name: string, user?: SandboxUser): Promise<string>;
} {
  const program = new ApexProgram();
  for (const [file, source] of Object.entries(CLASSES)) program.addClass(file, source);
  const decls = new Map(
    Object.entries(snippets).map(([name, body]) => [
      name,
      program.addClass(
        `${name}.cls`,
        `public class ${name} {\n    public static Object run() {\n        ${body}\n    }\n}\n`,
      ),
    ]),
  );
  const runtime = new ApexRuntime(new SandboxOrg({ forceAppDir }), program);
  return {
    runtime,
    run: (name, user) =>
      runtime.transaction({ rollback: true, ...(user ? { user } : {}) }, async () =>
        runtime.interpreter.toApexString(await runtime.interpreter.callStaticMethod(decls.get(name)!, 'run', [])),
      ),
  };
}

describe('static variables in each transaction', () => {
  it("a later transaction starts from the initial values, not the first one's changes", async () => {
    const { run } = runtimeWith({
      Mutate:
        "Config.ENTRIES.get('a').tags.add('changed'); Config.ENTRIES.remove('b'); Config.NAMES.add('c'); return Config.ENTRIES.size();",
      Read: "return Config.ENTRIES.get('a').tags + ' ' + Config.ENTRIES.keySet() + ' ' + Config.NAMES;",
    });
    assert.equal(await run('Mutate'), '1');
    assert.equal(await run('Read'), '(first) {a, b} (a, b)');
    assert.equal(await run('Mutate'), '1', 'the copy is not the values the previous transaction changed');
    assert.equal(await run('Read'), '(first) {a, b} (a, b)');
  });

  it('two statics holding one list still hold one list', async () => {
    const { run } = runtimeWith({
      Warm: 'return Config.NAMES.size();',
      Shared: "Config.SAME_NAMES.add('c'); return Config.NAMES;",
    });
    assert.equal(await run('Warm'), '2');
    assert.equal(await run('Shared'), '(a, b, c)');
    assert.equal(await run('Shared'), '(a, b, c)');
  });

  it("an initialiser that reads another class's static sees that transaction's value", async () => {
    const { run } = runtimeWith({
      Five: 'Counter.n = 5; return Reader.seen;',
      Seven: 'Counter.n = 7; return Reader.seen;',
    });
    assert.equal(await run('Five'), '5');
    assert.equal(await run('Seven'), '7');
  });

  it("an initialiser that calls the system sees that transaction's running user", async () => {
    const { runtime, run } = runtimeWith({ Who: 'return RunningUser.id;' });
    const { admin, integration } = runtime.org.users;
    assert.equal(await run('Who', admin), admin.id);
    assert.equal(await run('Who', integration), integration.id);
  });

  it('a class that an initialiser reaches is initialised then, with what its own initialiser does', async () => {
    const { run } = runtimeWith({
      Warm: 'Integer accounts = Lookup.accounts; return UsesLookup.x;',
      Queries: "Integer x = UsesLookup.x; return Limits.getQueries() + ' ' + Counter.n;",
    });
    assert.equal(await run('Warm'), '1');
    assert.equal(await run('Queries'), '1 42', "UsesLookup's initialiser starts Lookup's: its query and static block");
    assert.equal(await run('Queries'), '1 42');
  });

  it('an object keeps its identity: hashCode() as the initialiser saw it', async () => {
    const { run } = runtimeWith({ Same: 'return Registry.ONLY.hashCode() == Registry.HASH;' });
    assert.equal(await run('Same'), 'true');
    assert.equal(await run('Same'), 'true');
  });

  it('an initialiser first reached near the stack depth limit still hits it', async () => {
    const { run } = runtimeWith({ Warm: 'return Shallow.x;', Deep: 'return Recursion.down(998);' });
    assert.equal(await run('Warm'), '1');
    await assert.rejects(run('Deep'), /Maximum stack depth reached: 1001/);
  });

  it('a map keyed by class instances (by identity) still finds its key in a later transaction', async () => {
    const { run } = runtimeWith({ Label: 'return Key.LABELS.get(Key.ONLY);' });
    assert.equal(await run('Label'), 'only');
    assert.equal(await run('Label'), 'only');
  });
});
