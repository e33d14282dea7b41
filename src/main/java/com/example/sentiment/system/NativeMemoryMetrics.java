package com.example.sentiment.system;

import com.example.sentiment.ml.NativeMemory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * Publishes {@code sentiment.memory.resident}: the process's resident size, which (unlike the JVM's memory
 * metrics) includes ND4J's native arrays and workspaces.
 */
@Component
class NativeMemoryMetrics implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("sentiment.memory.resident", NativeMemory::residentBytes).baseUnit("bytes")
                .description("Resident set size of the process, native memory included").register(registry);
    }
}
