import { SkeinError } from '@skein/core';

/** Error codes of `skein-web`. */
export const WebErrorCode = {
  /** The controller API did not answer: not running, wrong address, or unreachable. */
  ControllerUnreachable: 'ERR_SKEIN_WEB_CONTROLLER_UNREACHABLE',
  /** The built front end is missing from the package (it was not built). */
  AssetsMissing: 'ERR_SKEIN_WEB_ASSETS_MISSING',
  /** A request's Host header is not one the dashboard serves (DNS rebinding protection). */
  HostNotAllowed: 'ERR_SKEIN_WEB_HOST_NOT_ALLOWED',
} as const;

/** The controller could not be reached; `message` names the address tried and where it came from. */
export class ControllerUnreachableError extends SkeinError {
  /** The controller URL that was tried. */
  readonly controllerUrl: string;

  constructor(controllerUrl: string, origin: string, reason: string, options?: { cause?: unknown }) {
    super(
      WebErrorCode.ControllerUnreachable,
      `cannot reach the Skein controller at ${controllerUrl} (from ${origin}): ${reason}`,
      options,
    );
    this.controllerUrl = controllerUrl;
  }
}

/** The front-end bundle is not where the server looks for it. */
export class AssetsMissingError extends SkeinError {
  constructor(dir: string, reason: string) {
    super(
      WebErrorCode.AssetsMissing,
      `the dashboard's front end is missing at ${dir} (${reason}); build it with \`npm run build -w @skein/app-web\``,
    );
  }
}
