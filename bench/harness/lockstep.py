"""Running the compared paths' programs at once, their timed batches taking turns.

Timing the paths one after another leaves seconds between a wasmpool batch and the Rust-native
batch it is compared with; on a shared VM the machine's speed changes in that time by more than
the difference being measured. Here the programs of one comparison start together and each
timed batch of their `measure` waits for its turn (bench_common.h `gate_enter`, the native
program's `in_turn`): the driver gives the turns round-robin, so the paths' batches alternate
every few tens of milliseconds and a slow spell falls on all of them alike. Everything else the
programs do (loading, compiling, warming up, calibrating) runs outside the turns.

The protocol, per program, on two pipes (BENCH_GATE="R,W" names the program's ends): the
program writes "r" when a batch is ready, reads one byte (its turn), runs the batch and writes
"d". End of file on its W pipe means the program has exited.
"""

import os
import subprocess
import tempfile


class _Program:
    def __init__(self, cmd):
        turn_r, self.turn_w = os.pipe()
        self.report_r, report_w = os.pipe()
        env = dict(os.environ, BENCH_GATE="%d,%d" % (turn_r, report_w))
        self.out = tempfile.TemporaryFile("w+")
        self.err = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=self.err, env=env, pass_fds=(turn_r, report_w),
                                     text=True)
        os.close(turn_r)
        os.close(report_w)
        self.turns = 0

    def take_turn(self):
        """Lets the program run its next batch, if it has one; False once it has exited."""
        if os.read(self.report_r, 1) != b"r":
            return False
        try:
            os.write(self.turn_w, b"g")
        except BrokenPipeError:
            return False
        self.turns += 1
        return os.read(self.report_r, 1) == b"d"

    def finish(self, timeout):
        """(exit status, stdout, stderr), the pipes closed."""
        os.close(self.report_r)
        os.close(self.turn_w)
        rc = self.proc.wait(timeout=timeout)
        self.out.seek(0)
        self.err.seek(0)
        return rc, self.out.read(), self.err.read()


def run(cmds, timeout=1800):
    """Runs the commands `cmds` at once in lockstep; returns [(exit status, stdout, stderr, turns)]
    in their order."""
    progs = [_Program(c) for c in cmds]
    live = list(progs)
    while live:
        live = [p for p in live if p.take_turn()]
    results = []
    for p in progs:
        rc, out, err = p.finish(timeout)
        results.append((rc, out, err, p.turns))
    return results
