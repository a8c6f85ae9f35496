// A resourceType named like a member of Object.prototype ('toString', 'constructor', '__proto__')
// is a type this server does not support, as any other unknown name: the validator reports it
// (not-supported) instead of taking the prototype's function for that type's validator and
// throwing, which a contained resource or a Bundle entry of a request body made a 500.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateResource } from '../../src/validation/index.js';

const NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];

describe('resourceType named like an Object.prototype member', () => {
  for (const name of NAMES) {
    it(`'${name}' at the root is not supported`, () => {
      const issues = validateResource({ resourceType: name, id: 'a' });
      assert.deepEqual(issues.map((i) => [i.severity, i.code, i.expression]), [['error', 'not-supported', `${name}.resourceType`]]);
    });

    it(`'${name}' in a contained resource is not supported`, () => {
      const issues = validateResource({ resourceType: 'Patient', id: 'a', contained: [{ resourceType: name, id: 'c' }] });
      assert.ok(issues.some((i) => i.severity === 'error' && i.code === 'not-supported' && /contained/.test(i.expression)), JSON.stringify(issues));
    });
  }
});
