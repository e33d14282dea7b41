package com.example.sentiment;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The package rules of the developer guide as ArchUnit rules, written for any base package so that
 * {@link ModuleBoundariesTest} runs the same rules on the service and on a fixture that breaks each of them. What
 * Spring Modulith checks as well (sub-packages are internal unless a named interface) is left to
 * {@code ApplicationModules.verify()}.
 */
final class ModuleBoundaries {

    /** The deep-learning stack: DL4J with its DataVec and ND4J, the JavaCPP natives under ND4J, ONNX Runtime. */
    static final List<String> DEEP_LEARNING_PACKAGES =
            List.of("org.deeplearning4j..", "org.nd4j..", "org.datavec..", "org.bytedeco..", "ai.onnxruntime..");

    private ModuleBoundaries() {
    }

    /** Only {@code ml} (and its sub-packages) uses the deep-learning stack, so that it can be replaced in one place. */
    static ArchRule onlyMlUsesDeepLearning(String base) {
        return noClasses().that().resideOutsideOfPackage(base + ".ml..")
                .should().dependOnClassesThat().resideInAnyPackage(DEEP_LEARNING_PACKAGES.toArray(String[]::new))
                .because("only " + base + ".ml imports DL4J, ND4J and ONNX Runtime");
    }

    /** HTTP stays out of the ML code: {@code ml} knows neither servlets nor Spring's web types. */
    static ArchRule mlKnowsNoHttp(String base) {
        return noClasses().that().resideInAPackage(base + ".ml..")
                .should().dependOnClassesThat()
                .resideInAnyPackage("org.springframework.web..", "org.springframework.http..", "jakarta.servlet..")
                .because("HTTP stays out of the ML code");
    }

    /** The feature packages (the base package's direct sub-packages, with theirs) depend on each other in one direction. */
    static ArchRule featuresFreeOfCycles(String base) {
        return slices().matching(base + ".(*)..").namingSlices("$1").should().beFreeOfCycles();
    }

    /**
     * Classes directly in the base package depend on no feature, except for the dependencies named in
     * {@code allowed}: for a top-level class of the base package, the fully qualified names of the feature types it
     * may use ({@code "*"} for any). Nested classes count as their top-level class.
     */
    static ArchRule baseUsesNoFeature(String base, Map<String, Set<String>> allowed) {
        ArchCondition<JavaClass> noFeature = new ArchCondition<>("depend on no feature package") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                Set<String> mayUse = allowed.getOrDefault(topLevel(origin).getName(), Set.of());
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = dependency.getTargetClass().getBaseComponentType();
                    boolean feature = target.getPackageName().startsWith(base + ".");
                    if (feature && !mayUse.contains("*") && !mayUse.contains(topLevel(target).getName())) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        };
        return classes().that(directlyIn(base)).should(noFeature)
                .because("the base package holds what every feature shares, so it imports none of them");
    }

    /**
     * Package-private by default: a public top-level type of a feature package, among {@code checked}, has a user in
     * another package (main or test code), unless it is one of the {@code exceptions} (fully qualified names).
     */
    static ArchRule publicTypesHaveOutsideUsers(String base, DescribedPredicate<JavaClass> checked,
            Set<String> exceptions) {
        DescribedPredicate<JavaClass> publicFeatureTypes = DescribedPredicate.describe(
                "are public top-level types of a feature package",
                c -> checked.test(c)
                        && c.getPackageName().startsWith(base + ".") && c.getModifiers().contains(JavaModifier.PUBLIC)
                        && c.isTopLevelClass() && !c.getSimpleName().equals("package-info")
                        && !exceptions.contains(c.getName()));
        ArchCondition<JavaClass> usedOutside = new ArchCondition<>("have a user outside their package") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                boolean used = type.getDirectDependenciesToSelf().stream()
                        .anyMatch(d -> !d.getOriginClass().getPackageName().equals(type.getPackageName()));
                if (!used) {
                    events.add(SimpleConditionEvent.violated(type,
                            type.getName() + " is public, but nothing outside its package uses it"));
                }
            }
        };
        return classes().that(publicFeatureTypes).should(usedOutside)
                .because("types are package-private unless another package needs them");
    }

    /** Types compiled from {@code src/main}, not from the tests. */
    static DescribedPredicate<JavaClass> inMainCode() {
        ImportOption mainCode = new ImportOption.DoNotIncludeTests();
        return DescribedPredicate.describe("are main code",
                c -> c.getSource().map(s -> mainCode.includes(Location.of(s.getUri()))).orElse(false));
    }

    private static DescribedPredicate<JavaClass> directlyIn(String base) {
        return DescribedPredicate.describe("are directly in " + base, c -> c.getPackageName().equals(base));
    }

    private static JavaClass topLevel(JavaClass type) {
        JavaClass outer = type;
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        return outer;
    }
}
