// Many deadlines on one timer (src/oscar/guard/deadlines.ts): each fires at its own time, a
// cancelled one never, and ending calls in time sets no timer of its own.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { Deadlines } from '../../src/oscar/guard/deadlines.js';

/** Mocked setTimeout and a clock that moves with it. */
function clocked(t: TestContext): { deadlines: Deadlines; tick(ms: number): void } {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const clock = { ms: 1_000 };
  return {
    deadlines: new Deadlines(() => clock.ms),
    tick(ms) { for (let i = 0; i < ms; i++) { clock.ms += 1; t.mock.timers.tick(1); } },
  };
}

describe('Deadlines', () => {
  it('fires each deadline at its own time and not before, an earlier one added later included', (t) => {
    const { deadlines, tick } = clocked(t);
    const fired: string[] = [];
    deadlines.add(50, () => fired.push('50'));
    deadlines.add(20, () => fired.push('20'));
    deadlines.add(80, () => fired.push('80'));
    tick(19);
    assert.deepEqual(fired, []);
    tick(1);
    assert.deepEqual(fired, ['20']);
    tick(29);
    assert.deepEqual(fired, ['20']);
    tick(1);
    assert.deepEqual(fired, ['20', '50']);
    tick(30);
    assert.deepEqual(fired, ['20', '50', '80']);
  });

  it('never fires a cancelled deadline, also when it was the one the timer waited for', (t) => {
    const { deadlines, tick } = clocked(t);
    const fired: string[] = [];
    const first = deadlines.add(10, () => fired.push('first'));
    deadlines.add(30, () => fired.push('second'));
    deadlines.cancel(first);
    tick(29);
    assert.deepEqual(fired, []);
    tick(1);
    assert.deepEqual(fired, ['second']);
  });

  it('sets one timer for many calls that end in time', (t) => {
    const { deadlines, tick } = clocked(t);
    const set = t.mock.method(globalThis, 'setTimeout');
    const fired: number[] = [];
    for (let i = 0; i < 100; i++) {
      const d = deadlines.add(1_000, () => fired.push(i));
      tick(1);
      deadlines.cancel(d);
    }
    assert.equal(set.mock.callCount(), 1, 'the timer armed for the first deadline serves the others');
    const late = deadlines.add(1_000, () => fired.push(-1));
    tick(1_000);
    assert.deepEqual(fired, [-1], 'only the call that did not end fires, at its deadline');
    void late;
  });

  it('a deadline added by an expiring one fires too', (t) => {
    const { deadlines, tick } = clocked(t);
    const fired: string[] = [];
    deadlines.add(10, () => { fired.push('a'); deadlines.add(10, () => fired.push('b')); });
    tick(10);
    assert.deepEqual(fired, ['a']);
    tick(10);
    assert.deepEqual(fired, ['a', 'b']);
  });

  it('with real timers, a pending deadline fires and a cancelled one does not', async () => {
    const deadlines = new Deadlines();
    const fired: string[] = [];
    const gone = deadlines.add(5, () => fired.push('cancelled'));
    deadlines.cancel(gone);
    await new Promise<void>((resolve) => deadlines.add(15, () => { fired.push('pending'); resolve(); }));
    assert.deepEqual(fired, ['pending']);
  });
});
