package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imagine.bot.fake.SafetyModel;
import dev.imagine.bot.service.ChatAdapter;
import dev.imagine.bot.service.ImagineService;
import dev.imagine.config.ImagineConfig;
import dev.imagine.config.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in headless Chromium with the tiny model's checker, under {@code safety.nsfw: spoiler}: a flagged
 * picture is blurred until it is clicked, a clean one is not. Skipped where Chromium is not installed, as
 * {@link WebBrowserTest} is.
 */
class WebSafetyBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PROMPT = "a lighthouse";

    @TempDir
    static Path shared;
    private static Path model;
    private static SafetyModel.Seeds seeds;

    @TempDir
    Path dir;

    private ImagineService service;
    private WebAdapter web;
    private WebDriver browser;

    @BeforeAll
    static void needsChromiumAndAChecker() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            System.out.println("WebSafetyBrowserTest skipped: " + CHROMIUM + " and " + CHROMEDRIVER
                    + " are not installed (apt-get install chromium chromium-driver; .ci/run does this)");
        }
        assumeTrue(present, "Chromium is not installed");
        model = SafetyModel.write(shared.resolve("model"));
        seeds = SafetyModel.seeds(model, PROMPT, 64, 2);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.close(Duration.ofSeconds(30));
        }
    }

    private void start(String nsfw) throws Exception {
        String yaml = "engine:\n  model: " + model + "\n  device: cpu\n  threads: 1\n"
                + "storage:\n  dir: " + dir.resolve("data") + "\n"
                + "operations:\n  enabled: false\n"
                + "safety:\n  nsfw: " + nsfw + "\n"
                + "web:\n  port: 0\n";
        ImagineConfig config = ImagineConfig.parse(yaml, "test", dir, Map.of());
        Function<ImagineConfig, ChatAdapter> factory = c -> {
            web = new WebAdapter(c.web());
            return web;
        };
        service = ImagineService.start(config, Map.of(Platform.WEB, factory), Clock.systemUTC());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1000,1100", "--lang=en");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build(), options);
    }

    private void generate(long seed) {
        WebElement prompt = browser.findElement(By.id("prompt"));
        prompt.clear();
        prompt.sendKeys(PROMPT + " --seed " + seed + " --steps 2 --size 64x64");
        prompt.sendKeys(Keys.ENTER);
    }

    /** The shown picture of that seed, once it has loaded. */
    private WebElement picture(long seed) {
        return new WebDriverWait(browser, WAIT).ignoring(StaleElementReferenceException.class).until(b -> {
            @SuppressWarnings("unchecked")
            List<WebElement> found = (List<WebElement>) ((JavascriptExecutor) b).executeScript("return [...document"
                    + ".querySelectorAll('#timeline figure img')].filter((img) => img.alt.includes(arguments[0])"
                    + " && img.complete && img.naturalWidth > 0);", "(Seed " + seed + ")");
            return found.isEmpty() ? null : found.get(0);
        });
    }

    private String filter(WebElement img) {
        return String.valueOf(((JavascriptExecutor) browser).executeScript(
                "return getComputedStyle(arguments[0]).filter;", img));
    }

    private void open() {
        browser.get(web.url().toString());
        new WebDriverWait(browser, WAIT).until(b -> b.findElement(By.id("chat")).isDisplayed());
    }

    @Test
    void underSpoilerAFlaggedPictureIsBlurredUntilClickedAndACleanOneIsNot() throws Exception {
        start("spoiler");
        open();
        generate(seeds.flagged());
        picture(seeds.flagged());
        generate(seeds.clean());
        WebElement clean = picture(seeds.clean());
        WebElement flagged = picture(seeds.flagged());

        assertThat(filter(flagged)).contains("blur");
        assertThat(flagged.getAttribute("title")).contains("click to show it");
        assertThat(filter(clean)).isEqualTo("none");
        flagged.click();
        assertThat(filter(picture(seeds.flagged()))).isEqualTo("none");
    }

    @Test
    void underAllowAFlaggedPictureIsShownAsItIs() throws Exception {
        start("allow");
        open();
        generate(seeds.flagged());

        assertThat(filter(picture(seeds.flagged()))).isEqualTo("none");
    }
}
