package com.example.sentiment.classificationjob;

import com.example.sentiment.dataset.FileFormat;
import com.example.sentiment.SentimentProperties;
import com.example.sentiment.system.BadRequestException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Classification jobs: accepts a file (stored, then checked row by row before a job exists, so that every bad
 * input is a 4xx and a job never fails on its data), shows jobs with their progress, cancels them, hands out
 * their results, and deletes ended jobs after the retention time.
 */
class ClassificationJobService {

    private static final Logger log = LoggerFactory.getLogger(ClassificationJobService.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final int MAX_LISTED_PROBLEMS = 10;

    /** An uploaded file: its name as the client gave it, and its bytes (read once). */
    interface Upload {
        String filename();

        InputStream open() throws IOException;
    }

    private final ClassificationJobRecords records;
    private final ClassificationJobFiles files;
    private final ClassificationJobRunner runner;
    private final JobInference inference;
    private final JsonMapper json;
    private final SentimentProperties.ClassificationJobs settings;
    private final int maxTextLength;
    private final Clock clock;

    ClassificationJobService(ClassificationJobRecords records, ClassificationJobFiles files,
                             ClassificationJobRunner runner, JobInference inference, JsonMapper json,
                             SentimentProperties properties, Clock clock) {
        this.records = records;
        this.files = files;
        this.runner = runner;
        this.inference = inference;
        this.json = json;
        this.settings = properties.classificationJobs();
        this.maxTextLength = properties.classify().maxTextLength();
        this.clock = clock;
    }

    /**
     * Stores and checks the file, then queues a job for it.
     *
     * @param modelId the version to use; null for the active one (the job keeps the id it had then)
     * @param textColumn the column (CSV, TSV) or field (JSON Lines) of the texts; null or blank for {@code text}
     * @param outputFormat {@code csv} or {@code jsonl}; null for the input's own ({@code csv} for TSV)
     */
    ClassificationJobView submit(Upload upload, String modelId, String textColumn, String outputFormat) {
        String column = textColumn == null || textColumn.isBlank() ? "text" : textColumn.strip();
        ResultFormat output = null;
        if (outputFormat != null && !outputFormat.isBlank()) {
            output = ResultFormat.named(outputFormat.strip());
            if (output == null) {
                throw BadRequestException.forField("outputFormat", "must be csv or jsonl, got '"
                        + BadRequestException.printable(outputFormat) + "'");
            }
        }
        if (runner.inLine() >= settings.maxQueued()) {
            throw ClassificationQueueFullException.of(settings.maxQueued());
        }
        JobInference.Model model = inference.model(modelId == null || modelId.isBlank() ? null : modelId.strip());
        Instant now = clock.instant();
        String id = "cj-" + ID_TIME.format(now) + "-" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        try {
            FileFormat format;
            try (InputStream in = new BufferedInputStream(upload.open())) {
                in.mark(8192);
                byte[] start = in.readNBytes(8192);
                in.reset();
                String head = new String(start, StandardCharsets.UTF_8);
                if (head.isBlank()) {
                    throw InvalidJobInputException.of("the file is empty");
                }
                int eol = head.indexOf('\n');
                format = FileFormat.detect(upload.filename(), eol < 0 ? head : head.substring(0, eol));
                files.storeInput(id, in);
            }
            long rows = check(id, format, column);
            if (output == null) {
                output = format == FileFormat.JSONL ? ResultFormat.JSONL : ResultFormat.CSV;
            }
            ClassificationJob job = new ClassificationJob(id, ClassificationJob.State.QUEUED, model.id(),
                    upload.filename(), format.name().toLowerCase(java.util.Locale.ROOT), column, output.extension, rows, 0, now, null, null, 0, null);
            records.save(job);
            runner.enqueue(id);
            log.info("Classification job {} queued: {} rows of {} with version {}", id, rows, upload.filename(), model.id());
            return view(job);
        } catch (IOException e) {
            discard(id);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            discard(id);
            throw e;
        }
    }

    /** Reads the stored file through once: counts its rows and refuses it with the first problems found. */
    private long check(String id, FileFormat format, String column) throws IOException {
        List<String> problems = new ArrayList<>();
        long more = 0;
        long rows = 0;
        try (InputStream in = files.openInput(id); JobInput input = JobInput.open(in, format, column, json)) {
            JobInput.Row row;
            while ((row = input.next()) != null) {
                rows = row.number();
                String problem = row.problem() != null ? row.problem()
                        : row.text().length() > maxTextLength
                        ? "the text has " + row.text().length() + " characters, more than " + maxTextLength : null;
                if (problem != null) {
                    if (problems.size() < MAX_LISTED_PROBLEMS) {
                        problems.add("line " + row.line() + ": " + problem);
                    } else {
                        more++;
                    }
                }
                if (rows > settings.maxRows()) {
                    throw InvalidJobInputException.of("it has more than " + settings.maxRows() + " rows "
                            + "(sentiment.classification-jobs.max-rows)");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw InvalidJobInputException.ofLines(problems, more);
        }
        if (rows == 0) {
            throw InvalidJobInputException.of("it has a header but no rows");
        }
        return rows;
    }

    private void discard(String id) {
        try {
            files.deleteFiles(id);
        } catch (IOException | RuntimeException e) {
            log.warn("Could not remove the files of refused upload {}: {}", id, e.toString());
        }
    }

    ClassificationJobView get(String id) {
        return view(find(id));
    }

    ClassificationJobPage page(int page, int size) {
        List<ClassificationJob> all = records.all();
        int from = (int) Math.min((long) page * size, all.size());
        int to = Math.min(from + size, all.size());
        return new ClassificationJobPage(all.subList(from, to).stream().map(this::view).toList(), page, size, all.size());
    }

    ClassificationJobView cancel(String id) {
        return view(runner.cancel(find(id)));
    }

    /** A job's results, which exist once it has SUCCEEDED. */
    record Results(ClassificationJob job, ResultFormat format, InputStream stream) {
    }

    Results results(String id) {
        ClassificationJob job = find(id);
        if (job.state() != ClassificationJob.State.SUCCEEDED) {
            throw ClassificationJobStateException.noResultsYet(job);
        }
        try {
            return new Results(job, ResultFormat.named(job.outputFormat()), files.openResults(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes every job that ended longer ago than the retention time; returns how many. */
    int sweep() {
        Instant cutoff = clock.instant().minus(settings.retention());
        int deleted = 0;
        for (ClassificationJob job : records.all()) {
            if (job.state().finished() && job.finishedAt() != null && job.finishedAt().isBefore(cutoff)) {
                records.delete(job.id()); // the record first: a job without it is never listed or resumed
                discard(job.id());
                deleted++;
            }
        }
        if (deleted > 0) {
            log.info("Deleted {} classification jobs that ended before {}", deleted, cutoff);
        }
        return deleted;
    }

    private ClassificationJob find(String id) {
        return records.find(id).orElseThrow(() -> ClassificationJobNotFoundException.forId(id));
    }

    private ClassificationJobView view(ClassificationJob job) {
        ClassificationJobView.Progress progress;
        ClassificationJobRunner.Progress live = runner.progress(job.id()).orElse(null);
        if (live != null && job.state() == ClassificationJob.State.RUNNING) {
            Double rate = live.rowsPerSecond();
            Double eta = rate == null ? null : round((job.totalRows() - live.rowsDone()) / rate);
            progress = progress(live.rowsDone(), job.totalRows(), rate == null ? null : round(rate), eta);
        } else {
            long done = job.rowsDone();
            if (!job.state().finished()) {
                try {
                    done = Math.max(done, files.checkpoint(job.id()).rows());
                } catch (IOException e) {
                    // the record's count is shown then
                }
            }
            Double rate = job.state().finished() && job.runSeconds() > 0 ? round(done / job.runSeconds()) : null;
            progress = progress(done, job.totalRows(), rate, null);
        }
        return new ClassificationJobView(job.id(), job.state().name(), job.modelId(), job.filename(), job.inputFormat(),
                job.textColumn(), job.outputFormat(), progress, job.createdAt(), job.startedAt(), job.finishedAt(),
                job.error(), job.state() == ClassificationJob.State.SUCCEEDED
                ? "/api/v1/classification-jobs/" + job.id() + "/results" : null);
    }

    private static ClassificationJobView.Progress progress(long done, long total, Double rate, Double eta) {
        double percent = total == 0 ? 0 : Math.round(1000.0 * done / total) / 10.0;
        return new ClassificationJobView.Progress(done, total, percent, rate, eta);
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
