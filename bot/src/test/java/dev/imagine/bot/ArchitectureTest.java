package dev.imagine.bot;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
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
                        "org.flywaydb..")
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
}
