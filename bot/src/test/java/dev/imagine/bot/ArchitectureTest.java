package dev.imagine.bot;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the module boundaries the code relies on: each module shows a small API and hides the rest. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.imagine");
    }

    @Test
    void onnxRuntimeStaysInsideTheEngine() {
        ArchRule rule = noClasses().that().resideOutsideOfPackage("dev.imagine.engine..")
                .should().dependOnClassesThat().resideInAPackage("ai.onnxruntime..")
                .because("ONNX Runtime types never leave the engine module");
        rule.check(classes);
    }

    @Test
    void jcodecStaysInsideTheVideoPackage() {
        noClasses().that().resideOutsideOfPackage("dev.imagine.engine.video..")
                .should().dependOnClassesThat().resideInAPackage("org.jcodec..")
                .because("the video encoder's types never leave dev.imagine.engine.video")
                .check(classes);
    }

    @Test
    void otherModulesUseOnlyTheEnginesPublicPackage() {
        ArchRule rule = noClasses().that().resideOutsideOfPackage("dev.imagine.engine..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.imagine.engine.text..", "dev.imagine.engine.sampler..", "dev.imagine.engine.noise..",
                        "dev.imagine.engine.onnx..", "dev.imagine.engine.model..", "dev.imagine.engine.image..",
                        "dev.imagine.engine.prompt..",
                        "dev.imagine.engine.testmodel..")
                .because("the engine's sub-packages are internal; its API is dev.imagine.engine");
        rule.check(classes);
    }

    @Test
    void enginePackagesHaveNoCycles() {
        SlicesRuleDefinition.slices().matching("dev.imagine.engine.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void internalEnginePackagesDoNotReachBackIntoTheApi() {
        noClasses().that().resideInAnyPackage("dev.imagine.engine.*..")
                .should().dependOnClassesThat().resideInAPackage("dev.imagine.engine")
                .because("internal packages are building blocks of the API, not its users")
                .check(classes);
    }

    @Test
    void jdbcH2AndFlywayStayInsideStorage() {
        noClasses().that().resideOutsideOfPackage("dev.imagine.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.h2..",
                        "org.flywaydb..", "org.postgresql..", "com.zaxxer.hikari..",
                        "io.github.bucket4j.postgresql..", "io.github.bucket4j.distributed.jdbc..")
                .because("storage shows repositories and records, never JDBC")
                .check(classes);
    }

    @Test
    void storageDoesNotDependOnTheEngine() {
        noClasses().that().resideInAPackage("dev.imagine.storage..")
                .should().dependOnClassesThat().resideInAPackage("dev.imagine.engine..")
                .because("storage keeps samplers and models by name; the bot maps engine types to its records")
                .check(classes);
    }

    @Test
    void chatLibrariesStayInTheirAdapters() {
        noClasses().that().resideOutsideOfPackage("dev.imagine.bot.discord..")
                .should().dependOnClassesThat().resideInAPackage("net.dv8tion..")
                .allowEmptyShould(true)
                .check(classes);
        noClasses().that().resideOutsideOfPackage("dev.imagine.bot.telegram..")
                .should().dependOnClassesThat().resideInAPackage("org.telegram..")
                .allowEmptyShould(true)
                .check(classes);
        noClasses().that().resideOutsideOfPackage("dev.imagine.bot.web..")
                .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "org.eclipse.jetty..",
                        "jakarta.servlet..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void botPackagesHaveNoCycles() {
        SlicesRuleDefinition.slices().matching("dev.imagine.bot.(*)..").should().beFreeOfCycles()
                .because("each layer of the bot builds on the ones below it; the adapters are wired in app")
                .check(classes);
    }

    @Test
    void theServiceDispatcherAndCommandCoreKnowNoAdapterAndNotTheCommandLine() {
        noClasses().that().resideInAnyPackage("dev.imagine.bot.service..", "dev.imagine.bot.dispatch..",
                        "dev.imagine.bot.command..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.imagine.bot.discord..",
                        "dev.imagine.bot.telegram..", "dev.imagine.bot.cli..", "dev.imagine.bot.app..")
                .because("adapters are wired at the outermost layer (app), so a new adapter touches none of these")
                .check(classes);
    }

    @Test
    void adaptersDoNotKnowEachOther() {
        noClasses().that().resideInAPackage("dev.imagine.bot.discord..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.imagine.bot.telegram..",
                        "dev.imagine.bot.cli..", "dev.imagine.bot.app..")
                .check(classes);
        noClasses().that().resideInAPackage("dev.imagine.bot.telegram..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.imagine.bot.discord..",
                        "dev.imagine.bot.cli..", "dev.imagine.bot.app..")
                .check(classes);
    }

    @Test
    void configDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("dev.imagine.config..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.imagine.engine..", "dev.imagine.storage..",
                        "dev.imagine.bot..")
                .because("the configuration is read first and knows nothing it configures")
                .check(classes);
    }

    @Test
    void theEngineDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("dev.imagine.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.imagine.config..", "dev.imagine.storage..",
                        "dev.imagine.bot..")
                .check(classes);
    }

    @Test
    void caseIsChangedWithTheRootLocale() {
        noClasses().should().callMethod(String.class, "toLowerCase")
                .orShould().callMethod(String.class, "toUpperCase")
                .because("the default locale changes the result (Turkish dotless i); use Locale.ROOT")
                .check(classes);
    }

    @Test
    void noTwoTopLevelTypesShareASimpleName() {
        Map<String, List<String>> byName = new TreeMap<>();
        for (JavaClass type : classes) {
            if (type.isTopLevelClass() && !type.getSimpleName().equals("package-info")) {
                byName.computeIfAbsent(type.getSimpleName(), name -> new ArrayList<>()).add(type.getName());
            }
        }
        byName.values().removeIf(names -> names.size() == 1);
        assertThat(byName).as("a reader should never need a fully qualified name").isEmpty();
    }
}
