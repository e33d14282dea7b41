package com.example.sentiment.system;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of a command-line tool: its own {@code --name=value} (or bare {@code --flag}) options, and
 * everything else, which goes to Spring ({@code --sentiment.models-dir=...}).
 */
public record CommandOptions(Map<String, String> options, String[] springArgs) {

    public static CommandOptions parse(String[] args, Set<String> names) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> spring = new ArrayList<>();
        for (String arg : args) {
            String[] kv = arg.startsWith("--") ? arg.substring(2).split("=", 2) : new String[] {""};
            if (names.contains(kv[0])) {
                options.put(kv[0], kv.length > 1 ? kv[1] : "true");
            } else {
                spring.add(arg);
            }
        }
        return new CommandOptions(options, spring.toArray(String[]::new));
    }

    public boolean has(String name) {
        return options.containsKey(name);
    }

    public String get(String name) {
        return options.get(name);
    }
}
