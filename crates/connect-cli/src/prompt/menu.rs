//! The completion menu as the AWS CLI's prompt shows it: open while typing and again after an
//! entry was taken, hidden while it has nothing to offer (the documentation panel shows then),
//! and Enter takes an entry only after one was chosen (Tab, arrows); otherwise Enter closes the
//! menu, and the next one runs the line. Built on the line editor's IDE-style menu, which draws
//! each entry's description beside it.

use std::cell::Cell;

use reedline::{
    Completer, EditCommand, EditMode, Editor, Emacs, IdeMenu, Menu, MenuEvent, Painter, PromptEditMode, ReedlineEvent,
    ReedlineRawEvent, Suggestion,
};

/// The menu's name in the editor's events.
pub const NAME: &str = "completion_menu";

/// The IDE menu, opened at once, shown only when it has entries.
pub struct AutoMenu {
    inner: IdeMenu,
    /// Values are to be computed before the menu is known to be empty.
    pending: bool,
    /// An entry was chosen with Tab or the arrows.
    chosen: bool,
    /// Enter closed the menu without taking an entry: it stays closed until the text changes.
    dismissed: Cell<bool>,
}

impl AutoMenu {
    /// The menu, open from the start (the first drawing fills it).
    pub fn new(inner: IdeMenu) -> AutoMenu {
        let mut menu = AutoMenu { inner, pending: true, chosen: false, dismissed: Cell::new(false) };
        menu.inner.menu_event(MenuEvent::Activate(false));
        menu
    }
}

impl Menu for AutoMenu {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn indicator(&self) -> &str {
        self.inner.indicator()
    }

    fn is_active(&self) -> bool {
        self.inner.is_active() && (self.pending || !self.inner.get_values().is_empty())
    }

    fn menu_event(&mut self, event: MenuEvent) {
        match event {
            // Enter follows itself with an activation, which reopens the menu after an entry
            // was taken, and not after the menu was dismissed.
            MenuEvent::Activate(_) if self.dismissed.replace(false) => return,
            MenuEvent::Activate(_) | MenuEvent::Edit(_) => (self.pending, self.chosen) = (true, false),
            MenuEvent::Deactivate => (self.pending, self.chosen) = (false, false),
            // The first Tab chooses the entry shown first.
            MenuEvent::NextElement if !self.chosen => {
                self.chosen = true;
                return;
            }
            _ => self.chosen = true,
        }
        self.inner.menu_event(event);
    }

    fn can_quick_complete(&self) -> bool {
        false
    }

    fn can_partially_complete(&mut self, updated: bool, editor: &mut Editor, completer: &mut dyn Completer) -> bool {
        self.inner.can_partially_complete(updated, editor, completer)
    }

    fn update_values(&mut self, editor: &mut Editor, completer: &mut dyn Completer) {
        self.inner.update_values(editor, completer);
    }

    fn update_working_details(&mut self, editor: &mut Editor, completer: &mut dyn Completer, painter: &Painter) {
        self.inner.update_working_details(editor, completer, painter);
        self.pending = false;
    }

    fn replace_in_buffer(&self, editor: &mut Editor) {
        if self.chosen {
            self.inner.replace_in_buffer(editor);
        } else {
            self.dismissed.set(true);
        }
    }

    fn menu_required_lines(&self, terminal_columns: u16) -> u16 {
        self.inner.menu_required_lines(terminal_columns)
    }

    fn menu_string(&self, available_lines: u16, use_ansi_coloring: bool) -> String {
        self.inner.menu_string(available_lines, use_ansi_coloring)
    }

    fn min_rows(&self) -> u16 {
        self.inner.min_rows()
    }

    fn get_values(&self) -> &[Suggestion] {
        self.inner.get_values()
    }

    fn set_cursor_pos(&mut self, pos: (u16, u16)) {
        self.inner.set_cursor_pos(pos);
    }
}

/// Emacs-style editing in which every change of the text (re)opens the completion menu, as the
/// AWS CLI's prompt completes while typing, and so does taking an entry with Enter.
pub struct Typing(pub Emacs);

/// Whether an edit changes the text (rather than moving the cursor).
fn changes_text(command: &EditCommand) -> bool {
    matches!(
        command,
        EditCommand::InsertChar(_)
            | EditCommand::InsertString(_)
            | EditCommand::Backspace
            | EditCommand::Delete
            | EditCommand::CutChar
            | EditCommand::BackspaceWord
            | EditCommand::DeleteWord
            | EditCommand::Clear
            | EditCommand::ClearToLineEnd
            | EditCommand::CutFromStart
            | EditCommand::CutToEnd
            | EditCommand::KillLine
            | EditCommand::CutWordLeft
            | EditCommand::CutWordRight
            | EditCommand::PasteCutBufferBefore
            | EditCommand::PasteCutBufferAfter
            | EditCommand::Undo
            | EditCommand::Redo
    )
}

impl EditMode for Typing {
    fn parse_event(&mut self, event: ReedlineRawEvent) -> ReedlineEvent {
        match self.0.parse_event(event) {
            ReedlineEvent::Edit(commands) if commands.iter().any(changes_text) => {
                ReedlineEvent::Multiple(vec![ReedlineEvent::Edit(commands), ReedlineEvent::Menu(NAME.to_owned())])
            }
            ReedlineEvent::Enter => {
                ReedlineEvent::Multiple(vec![ReedlineEvent::Enter, ReedlineEvent::Menu(NAME.to_owned())])
            }
            other => other,
        }
    }

    fn edit_mode(&self) -> PromptEditMode {
        self.0.edit_mode()
    }
}
