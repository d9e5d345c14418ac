// One rank of addon.test.js (run under mpirun): every collective against values each rank can compute itself.
// Prints one JSON line with what it saw; exits non-zero on the first mismatch.
import { MpiCollective } from '../index.js';

const mpi = await MpiCollective.init();
const { rank, size } = mpi;
const fail = (what) => {
  process.stderr.write(`rank ${rank}: ${what}\n`);
  mpi.abort(3);
};
const expectEqual = (what, got, want) => {
  if (got.length !== want.length || got.some((v, i) => Math.abs(v - want[i]) > 1e-6)) {
    fail(`${what}: got ${Array.from(got)} want ${Array.from(want)}`);
  }
};
const sumOfRanks = (size * (size - 1)) / 2;

expectEqual('allreduceSum f32', mpi.allreduceSum(Float32Array.from([rank, 1, -rank * 0.5])), [sumOfRanks, size, -sumOfRanks * 0.5]);
expectEqual('allreduceMean f64', mpi.allreduceMean(Float64Array.from([rank + 0.25])), [sumOfRanks / size + 0.25]);
expectEqual('allreduceSumAsync', await mpi.allreduceSumAsync(Float32Array.from([2 * rank])), [2 * sumOfRanks]);
expectEqual('broadcast from last', mpi.broadcast(Float32Array.from([rank, rank]), size - 1), [size - 1, size - 1]);
const bytes = mpi.broadcast(rank === 0 ? new TextEncoder().encode('polytask') : new Uint8Array(8), 0);
if (new TextDecoder().decode(bytes) !== 'polytask') fail('broadcast bytes');
expectEqual('broadcastAsync', await mpi.broadcastAsync(Int32Array.from([rank === 0 ? 7 : 0]), 0), [7]);
// Different lengths: rank r sends r + 1 values r.
const gathered = mpi.allgather(new Float32Array(rank + 1).fill(rank));
expectEqual('allgather', gathered, Array.from({ length: size }, (_, r) => new Array(r + 1).fill(r)).flat());
// The event loop keeps running while this rank waits in barrierAsync for the last rank, which sleeps first.
let ticks = 0;
const timer = setInterval(() => {
  ticks += 1;
}, 10);
if (rank === size - 1) await new Promise((r) => setTimeout(r, 500));
await mpi.barrierAsync();
clearInterval(timer);
mpi.barrier();
let refused = false;
const pending = mpi.barrierAsync();
try {
  mpi.barrier();
} catch {
  refused = true;
}
await pending;
if (!refused) fail('a blocking call during an asynchronous one was not refused');
process.stdout.write(`${JSON.stringify({ rank, size, ticks, localSize: mpi.localSize, library: mpi.library })}\n`);
await mpi.finalize();
