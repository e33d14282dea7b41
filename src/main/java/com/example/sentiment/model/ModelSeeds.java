package com.example.sentiment.model;

import com.example.sentiment.system.DurableFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.util.FileSystemUtils;

/**
 * Copies the seed versions (the repository's bundled model) into a new models folder on its first start, and
 * activates the one the seeds' {@code active} names. The seeds are only ever read: every later change (settings,
 * activation, deletion) is made to the copies, so the checkout's {@code models/} stays as git has it.
 *
 * <p>A folder counts as new while it holds no version and no {@code .seeded} mark; the mark, written after the
 * copy, keeps a later start from seeding again a folder whose versions were all deleted.
 */
final class ModelSeeds {

    /** Where the build puts the repository's {@code models/} in the jar. */
    static final String CLASSPATH_LOCATION = "classpath*:seed-models/";
    static final String MARK = ".seeded";
    private static final Logger log = LoggerFactory.getLogger(ModelSeeds.class);

    private ModelSeeds() {
    }

    /**
     * Seeds {@code root} from {@code seedsDir} (or the classpath when null) if it is new; the pointer is set only
     * while it names nothing.
     */
    static void plant(Path root, Path seedsDir, ActiveVersionPointer pointer) {
        try {
            if (Files.exists(root.resolve(MARK)) || hasVersion(root)) {
                return;
            }
            if (seedsDir != null && seedsDir.toAbsolutePath().normalize().equals(root)) {
                return; // the seeds themselves are the store: an explicit choice, nothing to copy
            }
            String location = seedsDir != null ? seedsDir.toAbsolutePath().normalize().toUri().toString()
                    : CLASSPATH_LOCATION;
            if (!location.endsWith("/")) {
                location += "/";
            }
            PathMatchingResourcePatternResolver resources = new PathMatchingResourcePatternResolver();
            List<String> copied = new ArrayList<>();
            for (Resource metadata : resources.getResources(location + "*/" + VersionFiles.METADATA_FILE)) {
                String id = parentName(metadata);
                if (id == null || !ModelIds.isValid(id) || Files.exists(root.resolve(id))) {
                    continue;
                }
                copyVersion(resources.getResources(location + id + "/*"), root, id);
                copied.add(id);
            }
            String active = null;
            for (Resource pointerFile : resources.getResources(location + FileSystemActiveVersionPointer.FILE)) {
                try (InputStream in = pointerFile.getInputStream()) {
                    active = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+")[0];
                }
            }
            if (copied.isEmpty()) {
                log.info("No seed versions in {}: the models folder {} starts empty", location, root);
                return;
            }
            if (active != null && copied.contains(active) && pointer.current().isEmpty()
                    && pointer.compareAndSet(0, active).isEmpty()) {
                log.warn("Seed version {} copied but not activated: the active-version pointer changed meanwhile", active);
            }
            DurableFiles.write(root.resolve(MARK), (String.join("\n", copied) + "\n").getBytes(StandardCharsets.UTF_8));
            log.info("Seeded the models folder {} with {} from {} (active: {})", root, copied, location, active);
        } catch (IOException e) {
            // a service without the seed still serves, trains and can be given a version: not a reason to stop
            log.error("Cannot seed the models folder {}: {}", root, e.getMessage());
        }
    }

    private static boolean hasVersion(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(root)) {
            return entries.anyMatch(p -> ModelIds.isValid(p.getFileName().toString()) && Files.isDirectory(p));
        }
    }

    private static String parentName(Resource metadata) throws IOException {
        String url = metadata.getURL().toString();
        String folder = url.substring(0, url.length() - VersionFiles.METADATA_FILE.length() - 1);
        int slash = folder.lastIndexOf('/');
        return slash < 0 ? null : folder.substring(slash + 1);
    }

    /** Into a temporary folder first, renamed into place: an interrupted copy never looks like a version. */
    private static void copyVersion(Resource[] files, Path root, String id) throws IOException {
        Path temp = root.resolve(DurableFiles.TEMP_PREFIX + "seed-" + id + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(temp);
            for (Resource file : files) {
                String name = file.getFilename();
                if (name == null || name.isEmpty() || !file.isReadable()) {
                    continue; // a sub-folder: versions are flat
                }
                try (InputStream in = file.getInputStream()) {
                    Files.copy(in, temp.resolve(name));
                }
                DurableFiles.fsync(temp.resolve(name));
            }
            DurableFiles.fsync(temp);
            Files.move(temp, root.resolve(id), StandardCopyOption.ATOMIC_MOVE);
            DurableFiles.fsync(root);
        } finally {
            FileSystemUtils.deleteRecursively(temp);
        }
    }
}
