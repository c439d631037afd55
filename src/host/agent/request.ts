/**
 * A generation request from what an agent or a placeholder names, the rest from the user's settings
 * as the commands take it (core/agentInput.ts: the MCP server uses the same rule).
 */
import { requestFromNamed, type Named } from '../../core/agentInput';
import type { GenerationRequest } from '../../core/request';
import type { Settings } from '../settings';

export type { Named } from '../../core/agentInput';

export function requestFrom(n: Named, settings: Settings): { ok: true; request: GenerationRequest } | { ok: false; message: string } {
  return requestFromNamed(n, settings);
}
