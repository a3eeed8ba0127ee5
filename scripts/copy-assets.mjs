// Copies the non-TypeScript assets next to the compiled code in dist/: the SQL migrations, the wrk
// script of `boxoffice bench`, the Lua scripts of the Redis gate, of the rate limiter and of the waiting room.
import { cpSync } from 'node:fs';

cpSync('src/store/sql', 'dist/store/sql', { recursive: true });
cpSync('tools/bench/holds.lua', 'dist/tools/bench/holds.lua');
cpSync('src/gate/redis/lua', 'dist/gate/redis/lua', { recursive: true });
cpSync('src/ratelimit/lua', 'dist/ratelimit/lua', { recursive: true });
cpSync('src/queue/redis/lua', 'dist/queue/redis/lua', { recursive: true });
