// Editor colours come from CSS variables (see app.css), so switching the page theme restyles the
// editor without rebuilding it.
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';

export const sandpodHighlight = syntaxHighlighting(
  HighlightStyle.define([
    { tag: [t.keyword, t.controlKeyword, t.moduleKeyword, t.operatorKeyword], color: 'var(--tok-keyword)' },
    { tag: [t.definitionKeyword, t.modifier, t.self], color: 'var(--tok-keyword)' },
    { tag: [t.string, t.special(t.string), t.regexp, t.character], color: 'var(--tok-string)' },
    { tag: [t.number, t.bool, t.null, t.atom], color: 'var(--tok-number)' },
    {
      tag: [t.comment, t.lineComment, t.blockComment, t.docComment],
      color: 'var(--tok-comment)',
      fontStyle: 'italic',
    },
    { tag: [t.function(t.variableName), t.function(t.propertyName)], color: 'var(--tok-function)' },
    { tag: [t.definition(t.variableName), t.definition(t.propertyName)], color: 'var(--tok-definition)' },
    { tag: [t.typeName, t.className, t.namespace, t.standard(t.variableName)], color: 'var(--tok-type)' },
    { tag: [t.propertyName, t.attributeName], color: 'var(--tok-property)' },
    { tag: [t.operator, t.punctuation, t.bracket], color: 'var(--tok-punct)' },
    { tag: [t.meta, t.processingInstruction, t.special(t.variableName)], color: 'var(--tok-meta)' },
    { tag: t.invalid, color: 'var(--danger)' },
  ]),
);

export const sandpodTheme = EditorView.theme({
  '&': {
    color: 'var(--editor-fg)',
    backgroundColor: 'var(--editor-bg)',
    height: '100%',
  },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--accent)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--accent)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection':
    { backgroundColor: 'var(--editor-selection)' },
  '.cm-gutters': {
    backgroundColor: 'var(--editor-gutter-bg)',
    color: 'var(--muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine': { backgroundColor: 'var(--editor-active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--editor-active-line)', color: 'var(--fg)' },
  '.cm-matchingBracket': { outline: '1px solid var(--accent)', backgroundColor: 'transparent' },
  '.cm-tooltip': { backgroundColor: 'var(--surface)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-panels': { backgroundColor: 'var(--surface)', color: 'var(--fg)' },
  '.cm-searchMatch': { backgroundColor: 'var(--editor-search)' },
});
