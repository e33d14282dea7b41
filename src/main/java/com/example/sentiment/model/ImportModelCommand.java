package com.example.sentiment.model;

import com.example.sentiment.ml.PretrainedEncoders;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.system.CommandOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar sentiment-service.jar import-model --from=DIR [--model=ID] [--activate] [--sentiment.*=...]}:
 * copies versions from a models folder of the embedded layout (such as the bundled {@code models/}) into the
 * configured repository and pointer, for example an S3 bucket and PostgreSQL, so that a new cluster has a model
 * to serve before its first training job. Every usable version is copied, or only {@code --model}; a version
 * the repository already holds is left as it is, so the command can run again. With {@code --activate} the
 * version named by {@code --model} (else the folder's active one) becomes active, but only when no version is
 * active yet: a cluster that already serves its own model keeps it. Prints what it did as one JSON line.
 */
public final class ImportModelCommand {

    private ImportModelCommand() {
    }

    public static int run(Class<?> application, String[] args) throws Exception {
        CommandOptions options = CommandOptions.parse(args, Set.of("from", "model", "activate"));
        if (!options.has("from")) {
            System.err.println("usage: import-model --from=DIR [--model=ID] [--activate] [--sentiment.storage.type=s3 ...]");
            return 2;
        }
        Path from = Path.of(options.get("from"));
        if (!Files.isDirectory(from)) {
            System.err.println("import-model: " + from + " is not a directory");
            return 2;
        }
        // a process that only copies must not claim training jobs while it runs
        try (ConfigurableApplicationContext context = options.withSpringArg("--sentiment.roles=serve")
                .startContext(application)) {
            JsonMapper json = context.getBean(JsonMapper.class);
            ModelRepository target = context.getBean(ModelRepository.class);
            ActiveVersionPointer pointer = context.getBean(ActiveVersionPointer.class);
            // read only: nothing in it is cleaned up
            FileSystemModelRepository source = new FileSystemModelRepository(from, json, null,
                    context.getBean(PretrainedEncoders.class));
            Optional<String> sourceActive = new FileSystemActiveVersionPointer(from).current()
                    .map(ActiveVersionPointer.Pointer::modelId);

            List<StoredModel> versions = new ArrayList<>();
            if (options.has("model")) {
                Optional<StoredModel> one = source.find(options.get("model"));
                if (one.isEmpty()) {
                    System.err.println("import-model: " + from + " holds no version " + options.get("model"));
                    return 1;
                }
                versions.add(one.get());
            } else {
                versions.addAll(source.list());
            }
            List<String> imported = new ArrayList<>();
            List<String> present = new ArrayList<>();
            Map<String, String> skipped = new LinkedHashMap<>();
            for (StoredModel version : versions) {
                if (!version.usable()) {
                    skipped.put(version.id(), version.problem());
                } else if (target.find(version.id()).isPresent()) {
                    present.add(version.id());
                } else {
                    try {
                        // load() verifies the source's checksums; save() records the target's own
                        target.save(source.load(version.id()), version.metadata(), furtherFiles(source, version));
                        imported.add(version.id());
                    } catch (ModelUnusableException e) {
                        skipped.put(version.id(), e.getMessage());
                    }
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("imported", imported);
            result.put("alreadyPresent", present);
            result.put("skipped", skipped);
            if (options.has("activate")) {
                String wanted = options.has("model") ? options.get("model") : sourceActive.orElse(null);
                if (wanted == null) {
                    System.err.println("import-model: --activate without --model needs an active version in " + from);
                    return 1;
                }
                Optional<ActiveVersionPointer.Pointer> current = pointer.current();
                if (current.isEmpty()) {
                    if (target.find(wanted).isEmpty()) {
                        System.err.println("import-model: version " + wanted + " was not imported: " + skipped.get(wanted));
                        return 1;
                    }
                    current = Optional.of(pointer.set(wanted));
                }
                result.put("active", current.get().modelId());
                result.put("generation", current.get().generation());
            }
            System.out.println(json.writeValueAsString(result));
            return 0;
        }
    }

    /** The files of a version beside its classifier's (such as drift's reference profile), to be copied with it. */
    private static Map<String, byte[]> furtherFiles(ModelRepository source, StoredModel version)
            throws java.io.IOException {
        Set<String> classifiers = Set.of(TextClassifier.NETWORK_FILE, TextClassifier.VOCABULARY_FILE,
                TextClassifier.LABELS_FILE, TextClassifier.LABELS_LINES_FILE, TextClassifier.ENCODER_FILE);
        Map<String, byte[]> further = new LinkedHashMap<>();
        for (String file : version.metadata().checksums().keySet()) {
            if (!classifiers.contains(file)) {
                source.readFile(version.id(), file).ifPresent(bytes -> further.put(file, bytes));
            }
        }
        return further;
    }
}
