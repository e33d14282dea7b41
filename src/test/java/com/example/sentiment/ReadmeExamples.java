package com.example.sentiment;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The curl examples of {@code README.md} and of the pages under {@code docs/}, and what their comments say they
 * answer, read by the rules that {@link ReadmeExamplesIT} documents: an example is one shell command of a
 * {@code ```sh} block that calls {@code http://localhost:8080}, and its comment (after {@code #} on its line, and
 * the {@code #} lines below it) is what it is checked against.
 */
final class ReadmeExamples {

    /** Marks the blocks that are not run (before the block's fence, in an HTML comment). */
    static final String SKIP_MARKER = "readme-test: skip";
    private static final Pattern STATUS = Pattern.compile("^(\\d{3}(?: or \\d{3})*)\\b(.*)");
    private static final Pattern HEADER = Pattern.compile("\\b([A-Z][A-Za-z-]+):\\s");
    private static final Pattern PLACEHOLDER = Pattern.compile("<[a-z][a-z ]*>");
    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?Z");
    /** What {@code e.g.} before a JSON comment means: the fields shown must be there, their values may differ. */
    static final String ILLUSTRATIVE = "e.g.";

    private ReadmeExamples() {
    }

    /** One command as the page shows it, with the line it starts on and its comment lines (without {@code #}). */
    record Example(int line, String command, List<String> comment) {

        boolean calls(String url) {
            return command.contains("curl") && command.contains(url);
        }

        /** Whether running it twice changes nothing: a GET, so it may be repeated until a job shows the fields. */
        boolean isRead() {
            return !command.matches("(?s).*\\s(-X|-d|-F|--data|--form|--request)\\s.*");
        }

        Expectation expectation() {
            return Expectation.of(comment);
        }
    }

    /** The examples of every runnable block of this page, in order. */
    static List<Example> read(Path page) throws IOException {
        return parse(Files.readAllLines(page));
    }

    /** The pages whose examples run: the README first, then every page under {@code docs/}, by name. */
    static List<Path> pages(Path repository) throws IOException {
        List<Path> pages = new ArrayList<>(List.of(repository.resolve("README.md")));
        try (java.util.stream.Stream<Path> docs = Files.list(repository.resolve("docs"))) {
            docs.filter(page -> page.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    static List<Example> parse(List<String> lines) {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```sh")) {
                continue;
            }
            boolean skipped = previousNonBlank(lines, i).contains(SKIP_MARKER);
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).strip().startsWith("```")) {
                end++;
            }
            List<Example> block = block(lines, i + 1, end);
            if (!skipped && block.stream().anyMatch(e -> e.calls("http://localhost:8080"))) {
                examples.addAll(block);
            }
            i = end;
        }
        return examples;
    }

    private static String previousNonBlank(List<String> lines, int index) {
        for (int j = index - 1; j >= 0; j--) {
            if (!lines.get(j).isBlank()) {
                return lines.get(j);
            }
        }
        return "";
    }

    /** Splits a block's lines into commands (a quote or a trailing backslash continues one) and their comments. */
    private static List<Example> block(List<String> lines, int from, int to) {
        List<Example> examples = new ArrayList<>();
        StringBuilder command = null;
        List<String> comment = null;
        int start = 0;
        Lexer lexer = null;
        for (int n = from; n < to; n++) {
            String line = lines.get(n);
            boolean complete = lexer == null || lexer.complete();
            if (complete && line.strip().startsWith("#")) {
                if (comment != null) {
                    comment.add(commentText(line.strip()));
                }
                continue;
            }
            if (complete && line.isBlank()) {
                continue;
            }
            if (complete) {
                if (command != null) {
                    examples.add(new Example(start, command.toString().strip(), comment));
                }
                command = new StringBuilder();
                comment = new ArrayList<>();
                start = n + 1;
                lexer = new Lexer();
            } else {
                command.append('\n');
            }
            String inline = lexer.feed(line);
            if (inline == null) {
                command.append(line);
            } else {
                command.append(line, 0, line.length() - inline.length());
                comment.add(commentText(inline));
            }
        }
        if (command != null) {
            examples.add(new Example(start, command.toString().strip(), comment));
        }
        return examples;
    }

    private static String commentText(String comment) {
        return comment.substring(1).strip();
    }

    /** Follows the shell's quoting line by line, to see where a command ends and where its comment starts. */
    private static final class Lexer {
        private boolean single;
        private boolean dbl;
        private boolean backslash;

        /** Feeds one line; answers the comment that ends it ({@code # ...}), or null. */
        String feed(String line) {
            backslash = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (single) {
                    single = c != '\'';
                } else if (c == '\\') {
                    if (i == line.length() - 1) {
                        backslash = true;
                    }
                    i++;
                } else if (dbl) {
                    dbl = c != '"';
                } else if (c == '\'') {
                    single = true;
                } else if (c == '"') {
                    dbl = true;
                } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                    return line.substring(i);
                }
            }
            return null;
        }

        boolean complete() {
            return !single && !dbl && !backslash;
        }
    }

    /**
     * What a comment claims: a status (a leading three-digit number, or several joined by " or " where the answer
     * depends on timing, such as cancelling a job that may already have finished; else any 2xx), headers that curl prints
     * ({@code Location: ...} after the status), and a JSON answer (from the first comment line that starts with
     * {@code {} or {@code [}, possibly after {@code e.g.}).
     */
    record Expectation(List<Integer> statuses, List<String> headers, Shown json, boolean illustrative) {

        static Expectation of(List<String> comment) {
            List<Integer> statuses = List.of();
            List<String> headers = new ArrayList<>();
            if (!comment.isEmpty()) {
                Matcher m = STATUS.matcher(comment.get(0));
                if (m.matches()) {
                    statuses = java.util.Arrays.stream(m.group(1).split(" or ")).map(Integer::valueOf).toList();
                    Matcher h = HEADER.matcher(m.group(2));
                    while (h.find()) {
                        headers.add(h.group(1));
                    }
                }
            }
            boolean illustrative = false;
            StringBuilder json = null;
            for (String line : comment) {
                String text = line;
                if (json == null && text.startsWith(ILLUSTRATIVE)) {
                    text = text.substring(ILLUSTRATIVE.length()).strip();
                    if (text.startsWith("{") || text.startsWith("[")) {
                        illustrative = true;
                    }
                }
                if (json == null && (text.startsWith("{") || text.startsWith("["))) {
                    json = new StringBuilder();
                }
                if (json != null) {
                    json.append(text).append(' ');
                }
            }
            return new Expectation(statuses, headers, json == null ? null : new ShownParser(json.toString()).parse(),
                    illustrative);
        }

        /** Null when the answer is what the comment shows, else what differs. */
        String mismatch(Integer actualStatus, String output) {
            if (actualStatus == null) {
                return "no HTTP answer";
            }
            if (!statuses.isEmpty() ? !statuses.contains(actualStatus) : actualStatus / 100 != 2) {
                return "status " + actualStatus + ", expected " + (!statuses.isEmpty()
                        ? statuses.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" or ")) : "2xx");
            }
            for (String header : headers) {
                if (!Pattern.compile("(?im)^" + Pattern.quote(header) + ":").matcher(output).find()) {
                    return "the comment shows header " + header + ", which this command does not print (curl -i does)";
                }
            }
            if (json == null) {
                return null;
            }
            String body = body(output);
            JsonNode actual;
            try {
                actual = ServiceClient.JSON.readTree(body);
            } catch (RuntimeException e) {
                return "the comment shows JSON, the command printed: " + body;
            }
            if (actual == null || actual.isMissingNode()) {
                return "the comment shows JSON, the command printed nothing";
            }
            return json.mismatch(actual, "$", null, illustrative);
        }
    }

    /** The body curl printed, after the header blocks that {@code -i} prints first. */
    static String body(String output) {
        String body = output;
        while (body.startsWith("HTTP/")) {
            int end = body.indexOf("\r\n\r\n");
            int skip = 4;
            if (end < 0) {
                end = body.indexOf("\n\n");
                skip = 2;
            }
            body = end < 0 ? "" : body.substring(end + skip);
        }
        return body;
    }

    /** A JSON value as the page shows it: {@code ...} stands for further fields or items, or any value. */
    sealed interface Shown {

        /** Null when {@code actual} is what this shows, else where and how it differs. */
        String mismatch(JsonNode actual, String path, String key, boolean illustrative);
    }

    record AnyValue() implements Shown {
        @Override
        public String mismatch(JsonNode actual, String path, String key, boolean illustrative) {
            return null;
        }
    }

    /** An object: every field shown must be there; without {@code ...} no other field may be. */
    record ShownObject(Map<String, Shown> fields, boolean open) implements Shown {
        @Override
        public String mismatch(JsonNode actual, String path, String key, boolean illustrative) {
            if (!actual.isObject()) {
                return path + ": expected an object, got " + actual;
            }
            for (Map.Entry<String, Shown> field : fields.entrySet()) {
                JsonNode value = actual.get(field.getKey());
                if (value == null) {
                    return path + ": the answer has no field " + field.getKey();
                }
                String differs = field.getValue().mismatch(value, path + "." + field.getKey(), field.getKey(),
                        illustrative);
                if (differs != null) {
                    return differs;
                }
            }
            if (!open) {
                for (String name : actual.propertyNames()) {
                    if (!fields.containsKey(name)) {
                        return path + ": the answer has field " + name + ", which the page does not show "
                                + "(show it, or write ... for the fields left out)";
                    }
                }
            }
            return null;
        }
    }

    /** An array: the items shown, in order; without {@code ...} exactly these many. */
    record ShownArray(List<Shown> items, boolean open) implements Shown {
        @Override
        public String mismatch(JsonNode actual, String path, String key, boolean illustrative) {
            if (!actual.isArray()) {
                return path + ": expected an array, got " + actual;
            }
            if (actual.size() < items.size() || (!open && !illustrative && actual.size() != items.size())) {
                return path + ": " + actual.size() + " items, the page shows " + items.size();
            }
            for (int i = 0; i < items.size(); i++) {
                String differs = items.get(i).mismatch(actual.get(i), path + "[" + i + "]", key, illustrative);
                if (differs != null) {
                    return differs;
                }
            }
            return null;
        }
    }

    /**
     * A string: equal, except a placeholder such as {@code <job id>} stands for any text, a timestamp for any
     * timestamp and the value of an {@code id} field for any id of the same layout (digits and hex letters vary).
     */
    record ShownString(String value) implements Shown {
        @Override
        public String mismatch(JsonNode actual, String path, String key, boolean illustrative) {
            if (illustrative) {
                return null;
            }
            if (!actual.isString()) {
                return path + ": expected the text \"" + value + "\", got " + actual;
            }
            String text = actual.asString();
            boolean matches;
            if (PLACEHOLDER.matcher(value).find()) {
                StringBuilder regex = new StringBuilder();
                int at = 0;
                Matcher m = PLACEHOLDER.matcher(value);
                while (m.find()) {
                    regex.append(Pattern.quote(value.substring(at, m.start()))).append(".+");
                    at = m.end();
                }
                matches = text.matches(regex.append(Pattern.quote(value.substring(at))).toString());
            } else if (INSTANT.matcher(value).matches()) {
                matches = INSTANT.matcher(text).matches();
            } else if ("id".equals(key)) {
                matches = text.matches(value.replaceAll("[0-9a-f]", "[0-9a-f]"));
            } else {
                matches = text.equals(value);
            }
            return matches ? null : path + ": \"" + text + "\", the page shows \"" + value + "\"";
        }
    }

    /** A number, equal to the precision shown: 0.985 stands for anything from 0.9845 to 0.9855. */
    record ShownNumber(BigDecimal value) implements Shown {
        @Override
        public String mismatch(JsonNode actual, String path, String key, boolean illustrative) {
            if (illustrative) {
                return null;
            }
            if (!actual.isNumber()) {
                return path + ": expected " + value + ", got " + actual;
            }
            BigDecimal difference = new BigDecimal(actual.toString()).subtract(value).abs();
            BigDecimal halfUnit = value.ulp().divide(BigDecimal.valueOf(2));
            return difference.compareTo(halfUnit) <= 0 ? null
                    : path + ": " + actual + ", the page shows " + value.toPlainString().replaceAll("0+$", "")
                    + " (" + value + ")";
        }
    }

    /** {@code true}, {@code false} or {@code null}. */
    record ShownLiteral(String token) implements Shown {
        @Override
        public String mismatch(JsonNode actual, String path, String key, boolean illustrative) {
            return illustrative || actual.toString().equals(token) ? null
                    : path + ": " + actual + ", the page shows " + token;
        }
    }

    /** Reads JSON as a comment of a page shows it, where {@code ...} may stand for fields, items or a value. */
    static final class ShownParser {
        private final String text;
        private int at;

        ShownParser(String text) {
            this.text = text;
        }

        Shown parse() {
            return value();
        }

        private Shown value() {
            space();
            if (text.startsWith("...", at)) {
                at += 3;
                return new AnyValue();
            }
            char c = peek();
            if (c == '{') {
                return object();
            }
            if (c == '[') {
                return array();
            }
            if (c == '"') {
                return new ShownString(string());
            }
            for (String literal : List.of("true", "false", "null")) {
                if (text.startsWith(literal, at)) {
                    at += literal.length();
                    return new ShownLiteral(literal);
                }
            }
            Matcher m = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?").matcher(text).region(at, text.length());
            if (m.lookingAt()) {
                at = m.end();
                return new ShownNumber(new BigDecimal(m.group()));
            }
            throw error("a value");
        }

        private Shown object() {
            at++;
            Map<String, Shown> fields = new LinkedHashMap<>();
            boolean open = false;
            while (true) {
                space();
                if (peek() == '}') {
                    at++;
                    return new ShownObject(fields, open);
                }
                if (text.startsWith("...", at)) {
                    at += 3;
                    open = true;
                } else {
                    String name = string();
                    space();
                    expect(':');
                    fields.put(name, value());
                }
                space();
                if (peek() == ',') {
                    at++;
                } else if (peek() != '}') {
                    throw error("',' or '}'");
                }
            }
        }

        private Shown array() {
            at++;
            List<Shown> items = new ArrayList<>();
            boolean open = false;
            while (true) {
                space();
                if (peek() == ']') {
                    at++;
                    return new ShownArray(items, open);
                }
                if (text.startsWith("...", at)) {
                    at += 3;
                    open = true;
                } else {
                    items.add(value());
                }
                space();
                if (peek() == ',') {
                    at++;
                } else if (peek() != ']') {
                    throw error("',' or ']'");
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (peek() != '"') {
                char c = text.charAt(at++);
                if (c == '\\') {
                    char e = text.charAt(at++);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'u' -> {
                            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                            at += 4;
                        }
                        default -> out.append(e);
                    }
                } else {
                    out.append(c);
                }
            }
            at++;
            return out.toString();
        }

        private void expect(char c) {
            space();
            if (peek() != c) {
                throw error("'" + c + "'");
            }
            at++;
        }

        private char peek() {
            if (at >= text.length()) {
                throw error("more");
            }
            return text.charAt(at);
        }

        private void space() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private IllegalArgumentException error(String expected) {
            return new IllegalArgumentException("JSON of a comment: expected " + expected + " at " + at + " of: " + text);
        }
    }
}
