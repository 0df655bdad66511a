// Tags with completion from the user's existing tags: a combobox (ARIA 1.2 pattern) that adds a tag on
// Enter, comma or a click, removes the last one on Backspace in an empty box.
import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client.ts';

const normalise = (t: string) => t.trim().toLowerCase().replace(/\s+/g, '-').slice(0, 60);

export function TagInput({ value, onChange, label = 'Tags' }: { value: string[]; onChange: (tags: string[]) => void; label?: string }) {
  const id = useId();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const tags = useQuery({ queryKey: ['tags'], queryFn: api.tags, staleTime: 30_000 });
  const suggestions = useMemo(() => {
    const q = normalise(text);
    const all = tags.data?.items ?? [];
    return all.filter((t) => !value.includes(t.tag) && (!q || t.tag.includes(q))).slice(0, 8);
  }, [tags.data, text, value]);

  const add = (raw: string) => {
    const t = normalise(raw);
    if (t && !value.includes(t)) onChange([...value, t]);
    setText('');
    setActive(0);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const showing = open && suggestions.length > 0;
    if (e.key === 'ArrowDown' && suggestions.length) {
      e.preventDefault();
      setOpen(true);
      setActive((a) => (showing ? (a + 1) % suggestions.length : 0));
    } else if (e.key === 'ArrowUp' && showing) {
      e.preventDefault();
      setActive((a) => (a - 1 + suggestions.length) % suggestions.length);
    } else if (e.key === 'Enter' || e.key === ',' || (e.key === 'Tab' && text.trim())) {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) return; // the form's save shortcut
      if (!text.trim() && !showing) return;
      e.preventDefault();
      add(showing && suggestions[active] && e.key !== ',' ? suggestions[active]!.tag : text);
    } else if (e.key === 'Escape' && showing) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
    } else if (e.key === 'Backspace' && !text && value.length) {
      onChange(value.slice(0, -1));
    }
  };

  const listId = `${id}-list`;
  const showing = open && suggestions.length > 0;
  return (
    <div className="tag-input">
      <label htmlFor={`${id}-input`} className="label">
        {label}
      </label>
      <div className="tag-input-box">
        {value.map((t) => (
          <span key={t} className="chip">
            #{t}
            <button type="button" className="chip-remove" aria-label={`Remove tag ${t}`} onClick={() => onChange(value.filter((x) => x !== t))}>
              ×
            </button>
          </span>
        ))}
        <input
          id={`${id}-input`}
          className="tag-input-field"
          role="combobox"
          aria-expanded={showing}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={showing ? `${id}-opt-${active}` : undefined}
          autoComplete="off"
          placeholder={value.length ? '' : 'Add a tag…'}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
            setActive(0);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => {
            setOpen(false);
            if (text.trim()) add(text);
          }}
          onKeyDown={onKeyDown}
        />
      </div>
      <ul id={listId} role="listbox" className="tag-suggestions" hidden={!showing} aria-label="Tag suggestions">
        {suggestions.map((s, i) => (
          <li
            key={s.tag}
            id={`${id}-opt-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'active' : ''}
            onMouseDown={(e) => {
              e.preventDefault();
              add(s.tag);
            }}
          >
            #{s.tag} <span className="muted">{s.count}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
