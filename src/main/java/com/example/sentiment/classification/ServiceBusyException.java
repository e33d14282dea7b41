package com.example.sentiment.classification;

import com.example.sentiment.system.ProblemException;
import org.springframework.http.HttpStatus;

/** Back-pressure: the classification queue is full; answered 503 with Retry-After. */
class ServiceBusyException extends ProblemException {

    private ServiceBusyException(String detail) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "service-busy", "Service busy", detail);
    }

    /** @param waiting texts waiting to be classified, an explanation's variants counted one each */
    public static ServiceBusyException queueFull(int waiting) {
        return new ServiceBusyException("The service is at capacity (" + waiting
                + " texts waiting to be classified); retry shortly.");
    }
}
