package com.example.sentiment.system;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.core.env.Environment;

/**
 * This process's health and metrics address, {@code http://host:port}: what a worker calls itself in a job's
 * record when {@code sentiment.queue.worker-name} is not set, so that an operator can reach the worker a record
 * names.
 */
public final class ProcessAddress {

    private ProcessAddress() {
    }

    /** The host name and the port the server listens on (the configured one until it has started). */
    public static String of(Environment environment) {
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return "http://" + host + ":" + port;
    }
}
