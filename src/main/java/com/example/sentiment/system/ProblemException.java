package com.example.sentiment.system;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A failure that is the client's to fix (or a documented service condition), answered as an
 * {@code application/problem+json} with a stable {@code type}. Feature packages subclass it with factory
 * methods so that every answer of one kind reads the same.
 */
public abstract class ProblemException extends RuntimeException {

    private final HttpStatus status;
    private final String slug;
    private final String title;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    protected ProblemException(HttpStatus status, String slug, String title, String detail) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    /** Adds a member to the problem detail, such as the list of errors. */
    protected ProblemException with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    /** A client-supplied value made safe to echo in a detail: cut to 80 characters, control characters replaced. */
    public static String printable(String value) {
        if (value == null) {
            return "";
        }
        String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    public HttpStatus status() {
        return status;
    }

    public URI type() {
        return ProblemTypes.uri(slug);
    }

    public String title() {
        return title;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
