package com.example.sentiment.system;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

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

    /**
     * These options with one Spring argument set to {@code --name=value}, replacing any the user gave (Spring
     * would join a repeated argument's values instead of letting the last one win).
     */
    public CommandOptions withSpringArg(String nameAndValue) {
        String name = nameAndValue.substring(0, nameAndValue.indexOf('=') + 1);
        List<String> spring = new ArrayList<>(List.of(springArgs));
        spring.removeIf(arg -> arg.startsWith(name));
        spring.add(nameAndValue);
        return new CommandOptions(options, spring.toArray(String[]::new));
    }

    /** The application's context for a command: the Spring arguments, no web server, no banner. */
    public ConfigurableApplicationContext startContext(Class<?> application) {
        return new SpringApplicationBuilder(application).bannerMode(Banner.Mode.OFF).web(WebApplicationType.NONE)
                .run(springArgs);
    }
}
