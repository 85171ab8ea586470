/**
 * Driving code-server's workbench the way a user does: keyboard, command palette, chat input.
 * Selectors are VS Code's internal DOM, which is why code-server's version is pinned
 * (scripts/codeServer/package.json); ../shared/docs/testing.md lists the ones verified.
 */
import type { FrameLocator, Locator, Page } from 'playwright-core';

/** Workbench load on 2 loaded cores takes 17–29 s (testing.md); extension hosts start later still. */
export const WORKBENCH_TIMEOUT_MS = 120_000;

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
}

/**
 * Runs a palette command by its title ("EliCal: Open Panel"), retrying until it is listed:
 * extension commands appear only once the extension host has started. The whole open-type-pick
 * sequence is retried, not just the pick: the palette closes when something else takes focus
 * (a notification, a webview, chat re-rendering), and a fill into a palette that closed under it
 * would otherwise wait out Playwright's whole action timeout (seen once in CI: "element is inert",
 * then "element is not visible" for 60 s).
 */
export async function runCommand(page: Page, title: string, timeoutMs = WORKBENCH_TIMEOUT_MS, onRetry?: (reason: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input.input');
  for (;;) {
    try {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${title}`, { timeout: 10_000 });
      const option = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
      await option.waitFor({ state: 'visible', timeout: 5_000 });
      // The first row is the best match only once filtering has settled on the exact title.
      await page.keyboard.press('Enter');
      return;
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0] ?? String(error);
      if (Date.now() > deadline) throw new Error(`the command palette never ran "${title}" within ${timeoutMs / 1000} s (last: ${reason})`, { cause: error });
      onRetry?.(`palette retry for "${title}": ${reason}`);
    }
  }
}

/** The chat view in the secondary side bar. */
export function chatView(page: Page): Locator {
  return page.locator('.part.auxiliarybar');
}

export function chatInput(page: Page): Locator {
  return chatView(page).locator('.interactive-input-editor');
}

/** The last response in the chat view. */
export function lastResponse(page: Page): Locator {
  return chatView(page).locator('.interactive-item-container.interactive-response').last();
}

/** What the chat input holds (Monaco renders spaces as no-break spaces). */
async function chatInputText(page: Page): Promise<string> {
  return ((await chatInput(page).locator('.view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ').trim();
}

/**
 * Types `text` into the chat input and sends it with Enter, as a user would. The text is checked
 * before Enter and typed again if it did not all land: a webview that finishes loading (the
 * README preview a fresh window opens) can take the focus in the middle of the typing (seen once
 * in CI: the input held "@c" and the rest went elsewhere).
 */
export async function sendChat(page: Page, text: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await chatInput(page).click({ force: true });
    await page.keyboard.press('ControlOrMeta+KeyA');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(text, { delay: 5 });
    const typed = await chatInputText(page);
    if (typed === text) break;
    if (attempt === 3) throw new Error(`the chat input holds ${JSON.stringify(typed)} after typing ${JSON.stringify(text)} three times: something keeps taking the focus`);
    console.log(`chat input retry: it held ${JSON.stringify(typed)} after typing ${JSON.stringify(text)}`);
  }
  await page.keyboard.press('Enter');
}

/** The panel's content: the webview iframe, then the frame VS Code loads the page into. */
export function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}
