"""The seeds' world for comparison: N GETs of one task through aiohttp with CONC in flight (an
asyncio.Semaphore, as the seed documents do), each body decoded with json.loads.
Prints the bench/run.sh line and rps=... last, like bench/torale_bench.c.
    python3 bench/aiohttp_get.py URL N CONC      (Debian's python3-aiohttp)"""
import asyncio
import json
import resource
import sys
import time

import aiohttp


async def main(url, n, conc):
    sem = asyncio.Semaphore(conc)
    failures = 0

    async def one(session):
        nonlocal failures
        async with sem:
            async with session.get(url, headers={"Authorization": "Bearer bench"}) as r:
                task = json.loads(await r.read())
                if r.status != 200 or "id" not in task:
                    failures += 1

    connector = aiohttp.TCPConnector(limit=conc)
    async with aiohttp.ClientSession(connector=connector) as session:
        t0 = time.monotonic()
        # Bounded waves, so a million requests do not become a million pending coroutines.
        done = 0
        while done < n:
            wave = min(n - done, conc * 16)
            await asyncio.gather(*(one(session) for _ in range(wave)))
            done += wave
        secs = time.monotonic() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("aiohttp_async %d %d %.3f %.0f %.1f %d %d" % (n, conc, secs, n / secs, secs * 1e6 / n, peak, failures))
    print("rps=%.0f" % (n / secs))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
