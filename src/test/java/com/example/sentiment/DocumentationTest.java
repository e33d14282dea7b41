package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README stays a page a newcomer reads (issue 27): short, with every page under {@code docs/} linked from it,
 * and no link of the README, {@code SECURITY.md} or {@code docs/} leads to a file or a heading that is not there
 * (sections move between pages; a link left behind would fail here).
 */
class DocumentationTest {

    /** {@code [text](target)}; the text may run over lines. */
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)\\]\\(([^)\\s]+)\\)");
    private static final int README_MAX_LINES = 200;

    @Test
    void theReadmeIsShortAndLinksEveryPageUnderDocs() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        assertThat(readme.size()).as("lines of README.md: the rest belongs under docs/").isLessThanOrEqualTo(README_MAX_LINES);
        List<String> targets = links(Path.of("README.md")).stream().map(Link::target).toList();
        for (Path page : ReadmeExamples.pages(Path.of(""))) {
            if (!page.equals(Path.of("README.md"))) {
                assertThat(targets).as("README.md links %s", page)
                        .anyMatch(target -> target.equals(page.toString()) || target.startsWith(page + "#"));
            }
        }
    }

    @Test
    void everyRelativeLinkLeadsToAFileAndItsHeading() throws Exception {
        List<Path> pages = new ArrayList<>(ReadmeExamples.pages(Path.of("")));
        pages.add(Path.of("SECURITY.md"));
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            for (Link link : links(page)) {
                String target = link.target();
                if (target.matches("^[a-z]+:.*")) {
                    continue;   // http:, https:, mailto:
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? page : page.resolveSibling(file).normalize();
                checked++;
                if (!Files.exists(resolved)) {
                    broken.add(page + ": [" + link.text() + "](" + target + "): no file " + resolved);
                } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(page + ": [" + link.text() + "](" + target + "): " + resolved + " has no heading "
                            + target.substring(hash));
                }
            }
        }
        assertThat(checked).as("relative links checked").isGreaterThan(20);
        assertThat(broken).isEmpty();
    }

    @Test
    void anchorsAreMadeAsGitHubMakesThem() {
        assertThat(anchor("Training settings (`config` part, all optional)"))
                .isEqualTo("training-settings-config-part-all-optional");
        assertThat(anchor("Reliability: each promise and the test that holds it"))
                .isEqualTo("reliability-each-promise-and-the-test-that-holds-it");
        assertThat(anchor("ONNX Runtime's LSTM against the fused lstmLayer (AMD EPYC, issue 26 probe, 2026-12-06)"))
                .isEqualTo("onnx-runtimes-lstm-against-the-fused-lstmlayer-amd-epyc-issue-26-probe-2026-12-06");
    }

    private record Link(String text, String target) {
    }

    /** The links of a page outside its code blocks. */
    private static List<Link> links(Path page) throws IOException {
        StringBuilder prose = new StringBuilder();
        boolean code = false;
        for (String line : Files.readAllLines(page)) {
            if (line.strip().startsWith("```")) {
                code = !code;
            } else if (!code) {
                prose.append(line).append('\n');
            }
        }
        List<Link> links = new ArrayList<>();
        Matcher m = LINK.matcher(prose);
        while (m.find()) {
            links.add(new Link(m.group(1).replaceAll("\\s+", " "), m.group(2)));
        }
        return links;
    }

    /** The anchors of a Markdown page's headings; other files have none. */
    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        if (!page.toString().endsWith(".md")) {
            return anchors;
        }
        boolean code = false;
        for (String line : Files.readAllLines(page)) {
            if (line.strip().startsWith("```")) {
                code = !code;
            } else if (!code && line.matches("^#{1,6} .*")) {
                anchors.add(anchor(line.replaceFirst("^#+ ", "")));
            }
        }
        return anchors;
    }

    /** GitHub's rule: lower case, punctuation dropped (hyphens and underscores kept), spaces to hyphens. */
    static String anchor(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}
