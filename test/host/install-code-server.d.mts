// Types for the TypeScript tests that read the tested VS Code versions (the module is plain Node ESM).
export interface VSCodeHost {
  readonly codeServer: string;
  readonly vscode: string;
  /** The Node that runs this code-server, from the npm registry; null: the project's own. */
  readonly node: string | null;
  /** Extra code-server arguments this version needs to run the tests. */
  readonly serverArgs: readonly string[];
}
export declare const VSCODE_HOSTS: { readonly oldest: VSCodeHost; readonly newest: VSCodeHost };
export declare const VSCODE_HOST: VSCodeHost;
export declare const CODE_SERVER_VERSION: string;
export declare const VSCODE_VERSION: string;
