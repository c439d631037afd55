/** What can be done to one gallery item: the page's buttons, the context menu's commands, the quick pick. */
export const ITEM_ACTIONS = ['insert', 'copyLink', 'open', 'reveal', 'copyPrompt', 'reuse', 'regenerate', 'vary', 'delete', 'remove'] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];
