import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';

export interface PickedOrganisation {
  id: string;
  name: string;
}

/** Results asked of the server at a time: the reader types more letters or asks for the next page. */
const PAGE = 8;
/** Pause after the last key before asking the server. */
const TYPING_PAUSE_MS = 200;

/**
 * An organisation chosen by typing part of its name (WAI-ARIA combobox with a list box): the
 * server searches (accents and case ignored) and pages; ↓ and ↑ move through the results, Enter
 * chooses, Escape closes the list then clears the field. Typing after a choice undoes it.
 */
export function OrganisationPicker({ label, hint, value, onChange, required = false }: { label: string; hint?: string; value: PickedOrganisation | null; onChange: (picked: PickedOrganisation | null) => void; required?: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  // What the reader is typing; null: the field shows the chosen organisation's name (or nothing), so a form that clears its choice clears the field.
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? value?.name ?? '';
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    const timer = setTimeout(() => setQuery(text.trim()), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const q = draft === null ? '' : query;
  const results = useInfiniteQuery({
    queryKey: ['organisations', 'search', q],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/v1/organisations', { params: { query: { limit: PAGE, ...(q ? { q } : {}), ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: open,
    staleTime: 30_000,
    // The previous results stay while the next search runs: no flicker at each key.
    placeholderData: keepPreviousData,
  });
  // The list answers what is in the field (not a search still waiting for the pause or the server): only then may Enter choose.
  const settled = (draft === null || draft.trim() === query) && !results.isPlaceholderData;
  const items = results.data?.pages.flatMap((p) => p.items) ?? [];
  const more = Boolean(results.hasNextPage);
  const optionCount = items.length + (more ? 1 : 0);
  const optionId = (index: number) => `${id}-option-${index}`;

  useEffect(() => {
    if (active >= 0) listRef.current?.querySelector(`#${CSS.escape(optionId(active))}`)?.scrollIntoView({ block: 'nearest' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active]);

  const choose = (index: number) => {
    if (index === items.length && more) {
      void results.fetchNextPage();
      return;
    }
    const picked = items[index];
    if (!picked) return;
    onChange({ id: picked.id, name: picked.name });
    setDraft(null);
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open) setOpen(true);
      else setActive((a) => Math.min(a + 1, optionCount - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (open) setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      // Enter in an open list chooses; it never submits the form by surprise.
      if (open && active >= 0) {
        e.preventDefault();
        // A blind key never takes a result of an earlier search; a click takes what it points at.
        if (settled) choose(active);
      } else if (open) {
        e.preventDefault();
      }
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        setOpen(false);
        setActive(-1);
      } else if (text) {
        e.preventDefault();
        setDraft(null);
        onChange(null);
      }
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  };

  const status = !open
    ? ''
    : results.isPending || !settled
      ? t('organisationPicker.searching')
      : results.isError
        ? t('organisationPicker.failed')
        : items.length === 0
          ? q
            ? t('organisationPicker.noMatch', { q })
            : t('organisationPicker.none')
          : more
            ? t('organisationPicker.someMore', { count: items.length })
            : t('organisationPicker.some', { count: items.length });

  return (
    <div className="picker">
      <label htmlFor={`${id}-input`}>{label}</label>
      {hint && (
        <p className="muted small" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="picker-field">
        <input
          id={`${id}-input`}
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          required={required}
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={`${id}-list`}
          aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
          aria-describedby={[hint ? `${id}-hint` : '', `${id}-status`].filter(Boolean).join(' ')}
          placeholder={t('organisationPicker.placeholder')}
          value={text}
          maxLength={100}
          onChange={(e) => {
            setDraft(e.target.value);
            setOpen(true);
            setActive(-1);
            if (value) onChange(null);
          }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onBlur={() => {
            setOpen(false);
            setActive(-1);
          }}
          onKeyDown={onKeyDown}
        />
        <ul id={`${id}-list`} role="listbox" aria-label={label} className="picker-list" ref={listRef} hidden={!open || optionCount === 0}>
          {/* The keyboard stays in the combobox (aria-activedescendant, WAI-ARIA APG): options only take the mouse. */}
          {items.map((o, index) => (
            // eslint-disable-next-line jsx-a11y/click-events-have-key-events
            <li
              key={o.id}
              id={optionId(index)}
              role="option"
              aria-selected={value?.id === o.id}
              className={index === active ? 'active' : undefined}
              // The input keeps the focus (and the list stays open) while the mouse chooses.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(index)}
            >
              {o.name}
            </li>
          ))}
          {more && (
            // eslint-disable-next-line jsx-a11y/click-events-have-key-events
            <li id={optionId(items.length)} role="option" aria-selected={false} className={`picker-more${items.length === active ? ' active' : ''}`} onMouseDown={(e) => e.preventDefault()} onClick={() => choose(items.length)}>
              {results.isFetchingNextPage ? t('organisationPicker.searching') : t('organisationPicker.more')}
            </li>
          )}
        </ul>
      </div>
      <p id={`${id}-status`} className="muted small picker-status" role="status" aria-live="polite">
        {status}
      </p>
    </div>
  );
}
