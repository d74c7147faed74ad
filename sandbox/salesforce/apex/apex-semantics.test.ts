/**
 * Differential snippets: small Apex whose results the Apex Developer Guide and Reference Guide document, run in the
 * runtime and compared with the documented result (printed through String.valueOf, as System.debug shows it).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SandboxOrg } from '../org/sandbox-org.js';
import { ApexRuntime } from './apex-runtime.js';
import { ApexThrow } from './exceptions.js';
import { ApexProgram } from './program.js';

const forceAppDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../force-app');
const org = new SandboxOrg({ forceAppDir });

/** Runs `body` as the body of a static method returning Object; the result as String.valueOf prints it. */
async function run(body: string): Promise<string> {
  const program = new ApexProgram();
  const decl = program.addClass(
    'Snippet.cls',
    `public class Snippet {\n    public static Object run() {\n        ${body}\n    }\n}\n`,
  );
  const runtime = new ApexRuntime(org, program);
  return runtime.transaction({ rollback: true }, async () =>
    runtime.interpreter.toApexString(await runtime.interpreter.callStaticMethod(decl, 'run', [])),
  );
}

async function failure(body: string): Promise<string> {
  try {
    await run(body);
  } catch (error) {
    if (error instanceof ApexThrow) return error.message;
    throw error;
  }
  return assert.fail('the snippet was expected to throw');
}

describe('Apex semantics the guides document', () => {
  it('String == ignores case; equals() and Set membership do not ("Expression Operators", "String Class")', async () => {
    assert.equal(await run("return 'Acme' == 'ACME';"), 'true');
    assert.equal(await run("return 'Acme' != 'acme';"), 'false');
    assert.equal(await run("return 'Acme'.equals('ACME');"), 'false');
    assert.equal(await run("return new Set<String>{ 'a', 'A' }.size();"), '2');
    assert.equal(await run("return new Map<String, Integer>{ 'a' => 1 }.get('A');"), 'null');
  });

  it('switch on String is case-sensitive ("Switch Statements")', async () => {
    assert.equal(
      await run(
        "switch on 'ABC' { when 'abc' { return 'lower'; } when 'ABC' { return 'upper'; } when else { return 'none'; } }",
      ),
      'upper',
    );
  });

  it('EncodingUtil.urlEncode is form encoding, as Java\'s URLEncoder ("EncodingUtil Class")', async () => {
    assert.equal(
      await run("return EncodingUtil.urlEncode('A 1/2 & b*c-d_e.f~(ü)', 'UTF-8');"),
      'A+1%2F2+%26+b*c-d_e.f%7E%28%C3%BC%29',
    );
    assert.equal(await run("return EncodingUtil.urlDecode('A+1%2F2', 'UTF-8');"), 'A 1/2');
  });

  it('substringBefore/After split at the first separator; a missing one gives the whole text or nothing ("String Class")', async () => {
    assert.equal(await run("return 'callout:X/a?b=1'.substringBefore('?');"), 'callout:X/a');
    assert.equal(await run("return 'callout:X/a'.substringBefore('?');"), 'callout:X/a');
    assert.equal(await run("return 'a?b=1?c'.substringAfter('?');"), 'b=1?c');
    assert.equal(await run("return 'abc'.substringAfter('?');"), '');
  });

  it('identifiers ignore case', async () => {
    assert.equal(await run('Integer Count = 1; count++; return COUNT;'), '2');
  });

  it('Integer division truncates; a Decimal operand keeps the fraction ("Expression Operators", "Rules of Conversion")', async () => {
    assert.equal(await run('return 5 / 2;'), '2');
    assert.equal(await run('return -7 / 2;'), '-3');
    assert.equal(await run('Decimal five = 5; return five / 2;'), '2.5');
    assert.equal(await failure('Integer zero = 0; return 1 / zero;'), 'System.MathException: Divide by 0');
  });

  it('Decimal keeps its scale ("Decimal Class": scale, setScale, valueOf)', async () => {
    assert.equal(await run('Decimal price = 1.10; return price.scale();'), '2');
    assert.equal(await run('Decimal price = 1.10; return price;'), '1.10');
    assert.equal(await run('Decimal d = 42; return d.setScale(3);'), '42.000');
    assert.equal(await run("return Decimal.valueOf('2.50') + 0.5;"), '3.00');
    assert.equal(await run('Decimal a = 1.5; Decimal b = 1.50; return a == b;'), 'true');
  });

  it('null semantics: concatenation prints null, comparisons with null are false, dereference throws', async () => {
    assert.equal(await run("String s; return 'x' + s;"), 'xnull');
    assert.equal(await run('Integer i; return i < 5;'), 'false');
    assert.equal(await run('Integer i; return i >= 5;'), 'false');
    assert.equal(await run('String s; return s == null;'), 'true');
    assert.equal(
      await failure('String s; return s.length();'),
      'System.NullPointerException: Attempt to de-reference a null object',
    );
  });

  it('Date arithmetic ("Date Class": addDays, addMonths, daysBetween)', async () => {
    assert.equal(await run('return Date.newInstance(2024, 2, 28).addDays(2);'), '2024-03-01');
    assert.equal(await run('return Date.newInstance(2024, 1, 31).addMonths(1);'), '2024-02-29');
    assert.equal(await run('return Date.newInstance(2024, 1, 1).daysBetween(Date.newInstance(2024, 3, 1));'), '60');
    assert.equal(await run('return Date.newInstance(2024, 12, 31) + 1;'), '2025-01-01');
    assert.equal(await failure("return Date.valueOf('2024-02-30');"), 'System.TypeException: Invalid date: 2024-02-30');
  });

  it('JSON of maps keeps insertion order and nulls; dates and times in ISO form ("JSON Class")', async () => {
    assert.equal(
      await run(
        "return JSON.serialize(new Map<String, Object>{ 'b' => 1, 'a' => null, 'c' => new List<Integer>{ 1, 2 } });",
      ),
      '{"b":1,"a":null,"c":[1,2]}',
    );
    assert.equal(
      await run(
        "return JSON.serialize(new Map<String, Object>{ 'd' => Date.newInstance(2024, 7, 1), 't' => Datetime.newInstanceGmt(2024, 6, 1, 10, 0, 0) });",
      ),
      '{"d":"2024-07-01","t":"2024-06-01T10:00:00.000Z"}',
    );
    assert.equal(
      await run(
        "Map<String, Object> m = (Map<String, Object>) JSON.deserializeUntyped('{\"n\": 1, \"d\": 1.5, \"l\": [true]}'); return m.get('n') instanceof Integer && m.get('d') instanceof Decimal && m.get('l') instanceof List<Object>;",
      ),
      'true',
    );
    assert.equal(
      await failure("return (Map<String, Object>) JSON.deserializeUntyped('[]');"),
      'System.TypeException: Invalid conversion from runtime type List<ANY> to Map<String,ANY>',
    );
  });

  it('a List index out of range throws ListException ("List Class")', async () => {
    assert.equal(
      await failure('List<Integer> l = new List<Integer>{ 1 }; return l[1];'),
      'System.ListException: List index out of bounds: 1',
    );
  });

  it('governor limits: the 151st DML statement and the 10,001st DML row throw System.LimitException ("Execution Governors and Limits")', async () => {
    assert.equal(
      await failure("for (Integer i = 0; i < 151; i++) { insert new Account(Name = 'Limit ' + i); } return null;"),
      'System.LimitException: Too many DML statements: 151',
    );
    assert.equal(
      await run(
        "for (Integer i = 0; i < 150; i++) { insert new Account(Name = 'Limit ' + i); } return Limits.getDmlStatements();",
      ),
      '150',
    );
    assert.equal(
      await failure(
        "List<Account> rows = new List<Account>(); for (Integer i = 0; i < 10001; i++) { rows.add(new Account(Name = 'Row ' + i)); } insert rows; return null;",
      ),
      'System.LimitException: Too many DML rows: 10001',
    );
  });

  it('a LimitException cannot be caught and rolls the whole transaction back', async () => {
    const program = new ApexProgram();
    const decl = program.addClass(
      'Rollback.cls',
      `public class Rollback {
    public static void run() {
        insert new Account(Name = 'Rolled back with the transaction');
        try {
            for (Integer i = 0; i < 101; i++) {
                Integer n = [SELECT COUNT() FROM Account];
            }
        } catch (Exception e) {
            insert new Account(Name = 'Caught: ' + e.getMessage());
        }
    }
}
`,
    );
    const runtime = new ApexRuntime(org, program);
    await assert.rejects(
      runtime.transaction({}, () => runtime.interpreter.callStaticMethod(decl, 'run', [])),
      (error: unknown) =>
        error instanceof ApexThrow && error.message === 'System.LimitException: Too many SOQL queries: 101',
    );
    assert.equal(org.query("SELECT COUNT() FROM Account WHERE Name = 'Rolled back with the transaction'").totalSize, 0);
    assert.equal(org.query("SELECT COUNT() FROM Account WHERE Name LIKE 'Caught:%'").totalSize, 0);
  });

  it('an sObject from SOQL refuses a field that was not queried', async () => {
    assert.equal(
      await failure("insert new Account(Name = 'A'); Account a = [SELECT Id FROM Account LIMIT 1]; return a.Name;"),
      'System.SObjectException: SObject row was retrieved via SOQL without querying the requested field: Account.Name',
    );
    assert.equal(
      await failure("Account a = [SELECT Id FROM Account WHERE Name = 'nobody']; return a;"),
      'System.QueryException: List has no rows for assignment to SObject',
    );
  });
});

describe('the runtime follows the org it runs in', () => {
  it('an sObject type the org turns on while the runtime runs is known from then on', async () => {
    const quotesOff = new SandboxOrg({ forceAppDir, features: { quotes: false } });
    const program = new ApexProgram();
    const decl = program.addClass(
      'QuoteSnippet.cls',
      "public class QuoteSnippet {\n    public static Object run() {\n        return new Quote(Name = 'Q-1').Name;\n    }\n}\n",
    );
    const runtime = new ApexRuntime(quotesOff, program);
    const run = () =>
      runtime.transaction({ rollback: true }, async () =>
        runtime.interpreter.toApexString(await runtime.interpreter.callStaticMethod(decl, 'run', [])),
      );
    await assert.rejects(run(), /unsupported Apex: unknown type Quote at QuoteSnippet.cls:3/);
    quotesOff.settings.update('QuoteSettings', 'Quote', { enableQuote: true });
    assert.equal(await run(), 'Q-1');
  });
});
