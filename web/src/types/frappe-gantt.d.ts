// frappe-gantt ships no type declarations: the part of its API we use.
declare module 'frappe-gantt' {
  interface GanttTask {
    id: string;
    name: string;
    start: string;
    end: string;
    progress?: number;
    custom_class?: string;
    dependencies?: string;
    description?: string;
  }
  interface GanttPopupContext {
    task: GanttTask & { due: string };
    set_title(html: string): void;
    set_subtitle(html: string): void;
    set_details(html: string): void;
  }
  interface GanttOptions {
    readonly?: boolean;
    language?: string;
    view_mode?: 'Hour' | 'Quarter Day' | 'Half Day' | 'Day' | 'Week' | 'Month' | 'Year';
    view_mode_select?: boolean;
    today_button?: boolean;
    infinite_padding?: boolean;
    popup_on?: 'click' | 'hover';
    scroll_to?: string;
    container_height?: number | 'auto';
    bar_height?: number;
    padding?: number;
    /** Fills the popup (HTML strings: escape what you put in). */
    popup?: (ctx: GanttPopupContext) => void;
  }
  export default class Gantt {
    constructor(wrapper: HTMLElement | string, tasks: GanttTask[], options?: GanttOptions);
  }
}
