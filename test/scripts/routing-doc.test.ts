// The README's table of what each OSCAR line and host can serve (scripts/routing-doc.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withGeneratedBlock } from '../../scripts/generated-block.js';
import { BLOCK, routingTable } from '../../scripts/routing-doc.js';

function row(table: string, label: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(`| ${label} |`));
  assert.ok(line, label);
  return line.split('|').slice(2, -1).map((c) => c.trim().replace(/ \(\d+\)$/, ''));
}

describe('README routing table', () => {
  const table = routingTable();

  it('has a column per line and host, in the order of the capability maps', () => {
    assert.equal(table.split('\n')[0], '| FHIR interaction | openo | openo-legacy | oscar19 | oscar15 | juno | REST module off | PUT blocked | IP not allowed | SOAP WAF |');
  });

  it("says patient update needs REST and HTTP PUT, or Juno's SOAP, and is impossible on OSCAR 15 (variants §7.4, B4)", () => {
    assert.deepEqual(row(table, 'Patient update'), ['yes', 'yes', 'yes', 'no', 'degraded', 'no', 'no', 'no', 'yes']);
  });

  it('says allergies lose their clinical status without REST (variants B14)', () => {
    assert.deepEqual(row(table, 'AllergyIntolerance read'), ['yes', 'yes', 'yes', 'degraded', 'degraded', 'degraded', 'yes', 'no', 'no']);
    assert.match(table, /\d+\. degraded: no clinical status: without OSCAR REST an archived allergy cannot be told from an active one/);
  });

  it('numbers each reason once and gives the remedy with it', () => {
    const notes = table.split('\n').filter((l) => /^\d+\. /.test(l));
    assert.equal(new Set(notes.map((n) => n.replace(/^\d+\. /, ''))).size, notes.length);
    assert.ok(notes.filter((n) => n.includes('not possible')).every((n) => n.includes('; remedy: ')));
  });

  it('is what README.md holds between its markers', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    assert.equal(withGeneratedBlock(readme, table, BLOCK), readme);
  });
});
