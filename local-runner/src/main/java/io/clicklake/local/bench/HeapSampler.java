package io.clicklake.local.bench;

import java.lang.management.ManagementFactory;

/**
 * The highest used heap (all pools together) seen while a stage runs, sampled every 50 ms. Summing
 * each pool's own peak would overstate it: the pools peak at different times.
 */
final class HeapSampler implements AutoCloseable {
  private final java.util.concurrent.atomic.AtomicLong peak =
      new java.util.concurrent.atomic.AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  HeapSampler() {
    thread =
        new Thread(
            () -> {
              java.lang.management.MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
              while (running) {
                peak.accumulateAndGet(heap.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "clicklake-heap-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  long peak() {
    return Math.max(peak.get(), ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
