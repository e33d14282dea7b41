package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.ml.InferenceEngine;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;
import org.springframework.modulith.docs.Documenter.DiagramOptions;
import org.springframework.modulith.docs.Documenter.DiagramOptions.DiagramStyle;

/**
 * The package boundaries as a test (issue 27, item 5): Spring Modulith's {@code verify()} (no cycles between the
 * feature packages, no use of another feature's sub-package unless it is a named interface) and the rules of
 * {@link ModuleBoundaries}, on the service's main classes. The same rules run against {@code com.example.archfixture},
 * which breaks each of them, so that a rule that could no longer fail would be noticed. The test also writes the
 * module diagrams into {@code docs/modules/} (linked from {@code docs/architecture.md}).
 */
class ModuleBoundariesTest {

    private static final String BASE = "com.example.sentiment";
    private static final String FIXTURE = "com.example.archfixture";
    private static final Path DIAGRAMS = Path.of("docs", "modules");

    /**
     * The base package's two allowed uses of features. {@link SentimentApplication} is the entry point: its
     * {@code main} hands a command line to the feature that runs it ({@code train}, {@code evaluate}, ...) and
     * installs ml's deserialization filter before anything reads a model. {@link SentimentProperties} types the
     * {@code sentiment.inference.engine} setting with ml's enum, so that a wrong value fails at start-up.
     */
    private static final Map<String, Set<String>> BASE_MAY_USE = Map.of(
            SentimentApplication.class.getName(), Set.of("*"),
            SentimentProperties.class.getName(), Set.of(InferenceEngine.class.getName()));

    /**
     * Public types that no other package uses. Two are made by name from outside our code: the build runs
     * {@code GloveImport}'s {@code main} (exec-maven-plugin), Tomcat creates {@code ProblemErrorReportValve} from its
     * class name.
     */
    private static final Set<String> PUBLIC_WITHOUT_OUTSIDE_USER = Set.of(
            BASE + ".vectors.GloveImport",
            BASE + ".system.ProblemErrorReportValve");

    private static final JavaClasses SERVICE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(BASE);

    // tests in other packages count as users of a public type
    private static final JavaClasses SERVICE_AND_TESTS = new ClassFileImporter().importPackages(BASE);

    // the fixture lives in the test classes, so this import takes them
    private static final JavaClasses BROKEN = new ClassFileImporter().importPackages(FIXTURE);

    @Test
    void modulesVerifyAndTheirDiagramsAreWritten() throws IOException {
        // Modulith counts the base package as a slice of its cycle check, and every feature reads the settings
        // there; the entry point's allowed uses of features (BASE_MAY_USE) would close a cycle through it, so
        // Modulith leaves the entry point out, and basePackageUsesNoFeature checks it and the rest of the package
        ApplicationModules modules = ApplicationModules.of(SentimentApplication.class, DescribedPredicate.describe(
                "the entry point", type -> type.isEquivalentTo(SentimentApplication.class))).verify();

        // UML style: the C4 one includes its library from the internet when rendered
        DiagramOptions diagrams = DiagramOptions.defaults().withStyle(DiagramStyle.UML);
        new Documenter(modules, Documenter.Options.defaults().withOutputFolder(DIAGRAMS.toString()))
                .writeModulesAsPlantUml(diagrams)
                .writeIndividualModulesAsPlantUml(diagrams);
        try (Stream<Path> files = Files.list(DIAGRAMS)) {
            for (Path file : files.toList()) {
                Files.write(file, inStableOrder(Files.readAllLines(file)));
            }
        }
    }

    /**
     * The diagram with each run of component lines and each run of arrow lines sorted: Modulith writes the arrows
     * in an order that changes from run to run, and the files are committed.
     */
    static List<String> inStableOrder(List<String> lines) {
        List<String> stable = new ArrayList<>();
        List<String> run = new ArrayList<>();
        String runKind = "";
        for (String line : lines) {
            String kind = line.contains(" --> ") ? "arrow" : line.trim().startsWith("component ") ? "component" : "";
            if (!kind.equals(runKind)) {
                run.sort(null);
                stable.addAll(run);
                run.clear();
                runKind = kind;
            }
            if (kind.isEmpty()) {
                stable.add(line);
            } else {
                run.add(line);
            }
        }
        run.sort(null);
        stable.addAll(run);
        return stable;
    }

    @Test
    void onlyMlUsesTheDeepLearningStack() {
        ModuleBoundaries.onlyMlUsesDeepLearning(BASE).check(SERVICE);
        ModuleBoundaries.mlKnowsNoHttp(BASE).check(SERVICE);
    }

    @Test
    void featurePackagesHaveNoCycles() {
        ModuleBoundaries.featuresFreeOfCycles(BASE).check(SERVICE);
    }

    @Test
    void basePackageUsesNoFeature() {
        ModuleBoundaries.baseUsesNoFeature(BASE, BASE_MAY_USE).check(SERVICE);
    }

    @Test
    void publicTypesHaveUsersOutsideTheirPackage() {
        ModuleBoundaries.publicTypesHaveOutsideUsers(BASE, ModuleBoundaries.inMainCode(), PUBLIC_WITHOUT_OUTSIDE_USER)
                .check(SERVICE_AND_TESTS);
    }

    @Test
    void theRulesReportEachViolationOfTheFixture() {
        assertThat(violations(ModuleBoundaries.onlyMlUsesDeepLearning(FIXTURE)))
                .contains("archfixture.alpha.Alpha", "org.nd4j.linalg.factory.Nd4j")
                .doesNotContain("archfixture.ml.Engine");
        assertThat(violations(ModuleBoundaries.mlKnowsNoHttp(FIXTURE)))
                .contains("archfixture.ml.Engine", "org.springframework.http.HttpStatus");
        assertThat(violations(ModuleBoundaries.featuresFreeOfCycles(FIXTURE)))
                .contains("Cycle detected: alpha -> ", "beta -> ");
        assertThat(violations(ModuleBoundaries.baseUsesNoFeature(FIXTURE, Map.of())))
                .contains("archfixture.FixtureApplication", "archfixture.alpha.Alpha");
        assertThat(violations(
                ModuleBoundaries.publicTypesHaveOutsideUsers(FIXTURE, DescribedPredicate.alwaysTrue(), Set.of())))
                .contains("archfixture.beta.Lonely is public")
                .doesNotContain("archfixture.alpha.Alpha is public");
        // with the dependency allowed, as the service allows its entry point's
        ModuleBoundaries.baseUsesNoFeature(FIXTURE,
                Map.of(FIXTURE + ".FixtureApplication", Set.of(FIXTURE + ".alpha.Alpha"))).check(BROKEN);
    }

    @Test
    void modulithReportsTheFixturesCycleAndItsUseOfAnInternalPackage() {
        String violations = ApplicationModules.of(FIXTURE, location -> true).detectViolations().getMessage();

        assertThat(violations)
                .contains("Cycle detected")
                .contains("Module 'alpha' depends on non-exposed type com.example.archfixture.beta.internal.Hidden")
                .doesNotContain("non-exposed type com.example.archfixture.beta.api.Exposed");
    }

    private static String violations(ArchRule rule) {
        var result = rule.evaluate(BROKEN);
        assertThat(result.hasViolation()).as("%s reports a violation", rule.getDescription()).isTrue();
        return result.getFailureReport().toString();
    }
}
