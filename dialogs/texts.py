"""The text catalogue: every sentence the dialogs say, in pt-BR and English.

Looked up by key, with str.format fields. pt-BR is the default; English is used when the
incoming locale is English. Nothing user-facing lives anywhere else in `dialogs/`.
"""

from __future__ import annotations

import functools
from typing import Any

PT, EN = 0, 1

_HELP_COMMANDS_PT = (
    "Você pode escrever a qualquer momento:\n"
    "• menu — volta ao menu principal\n"
    "• voltar — volta um passo, mantendo o que já foi digitado\n"
    "• cancelar — desiste do que está fazendo (nada é enviado)\n"
    "• ajuda — explica o passo atual\n"
    "Também entendo frases como “status da CAGE-08336-T2D3”, “linha do tempo da 08336”, "
    "“minhas demandas”, ou simplesmente o que você precisa (“preciso liberar uma liquidação no FPE”)."
)
_HELP_COMMANDS_EN = (
    "At any time you can write:\n"
    "• menu — back to the main menu\n"
    "• back — one step back, keeping what you typed\n"
    "• cancel — give up what you are doing (nothing is sent)\n"
    "• help — explains the current step\n"
    "I also understand sentences like “status of CAGE-08336-T2D3”, “timeline of 08336”, "
    "“my demands”, or simply what you need (“I need to release a liquidação in FPE”)."
)

CATALOGUE: dict[str, tuple[str, str]] = {
    # --- general ---
    "welcome": ("Olá, {name}! Sou o assistente do Portal e-CAGE: aqui você abre e acompanha demandas à CAGE.",
                "Hello, {name}! I am the e-CAGE Portal assistant: here you open and follow demands to CAGE."),
    "stale": ("Essa opção não está mais disponível.", "That option is no longer available."),
    "current": ("Atual: {value}", "Current: {value}"),
    "keep": ("Manter", "Keep"),
    "confirm": ("Confirmar", "Confirm"),
    "skip": ("Pular", "Skip"),
    "yes": ("Sim", "Yes"),
    "no": ("Não", "No"),
    "none": ("nenhum", "none"),
    "cancelled": ("Certo, cancelado. Nada foi alterado.", "OK, cancelled. Nothing was changed."),
    "nothing_to_cancel": ("Não há nada em andamento para cancelar.", "There is nothing in progress to cancel."),
    "yes_no_expected": ("Responda “sim” ou “não”, por favor.", "Please answer “yes” or “no”."),
    "error.unexpected": ("Desculpe, algo deu errado do meu lado e nada foi registrado. Vamos recomeçar pelo menu.",
                         "Sorry, something went wrong on my side and nothing was recorded. Let us start again "
                         "from the menu."),
    "store.waiting": ("Instabilidade momentânea: sua mensagem será processada assim que possível.",
                      "A brief instability: your message will be handled as soon as possible."),
    "store.unavailable": ("O sistema está indisponível no momento; sua mensagem pode não ter sido processada. "
                          "Envie-a de novo em alguns instantes.",
                          "The system is unavailable right now; your message may not have been handled. "
                          "Please send it again in a few moments."),
    "state.reset": ("Desculpe, perdi o fio da conversa (o sistema foi atualizado). Vamos recomeçar pelo menu.",
                    "Sorry, I lost track of our conversation (the system was updated). Let us start again "
                    "from the menu."),
    # --- menu ---
    "menu.question": ("O que você deseja fazer?", "What would you like to do?"),
    "menu.new": ("Nova demanda", "New demand"),
    "menu.open": ("Minhas demandas ativas", "My active demands"),
    "menu.all": ("Todas as demandas", "All demands"),
    "menu.lookup": ("Consultar protocolo", "Look up a protocol"),
    "menu.profile": ("Meus dados", "My data"),
    "menu.help": ("Ajuda", "Help"),
    "menu.back": ("Menu", "Menu"),
    "menu.thanks": ("Por nada! Se precisar de algo mais, é só escrever.",
                    "You're welcome! If you need anything else, just write."),
    "menu.goodbye": ("Até logo! Quando precisar, é só escrever por aqui.",
                     "Goodbye! Whenever you need something, just write here."),
    "menu.not_understood": ("Não entendi. Escolha uma opção do menu ou escreva “ajuda”.",
                            "I did not understand. Pick a menu option or write “help”."),
    # --- choosing from a list ---
    "choose.prev": ("◀ Anteriores", "◀ Previous"),
    "choose.next": ("Mais ▶", "More ▶"),
    "choose.page": ("(página {page} de {pages})", "(page {page} of {pages})"),
    "choose.took": ("✔ {name}", "✔ {name}"),
    "choose.close_call": ("Para “{text}”, você quis dizer uma destas opções?",
                          "For “{text}”, did you mean one of these?"),
    "choose.none": ("Não encontrei “{text}” entre as opções.", "I could not find “{text}” among the options."),
    "choose.full_list": ("Ver a lista completa", "See the full list"),
    # --- fields ---
    "field.title": ("Título", "Title"),
    "field.organ": ("Órgão", "Agency"),
    "field.type": ("Tipo", "Type"),
    "field.category": ("Categoria", "Category"),
    "field.subject": ("Assunto", "Subject"),
    "field.description": ("Descrição", "Description"),
    "field.attachments": ("Anexos", "Attachments"),
    "field.status": ("Situação", "Status"),
    "field.created": ("Aberta em", "Opened on"),
    "field.updated": ("Atualizada em", "Updated on"),
    "field.closed": ("Encerrada em", "Closed on"),
    "field.assignee": ("Atendente", "Attendant"),
    "field.name": ("Nome", "Name"),
    "field.email": ("E-mail", "E-mail"),
    "field.phone": ("Telefone", "Phone"),
    "field.cargo": ("Cargo", "Job title"),
    "status.EM_ANDAMENTO": ("Em Andamento", "In progress"),
    "status.AGUARDANDO": ("Aguardando Informações", "Waiting for information"),
    "status.RESOLVIDO": ("Resolvido", "Solved"),
    "status.CANCELADO": ("Cancelado", "Cancelled"),
    "no_assignee": ("ainda não atribuída", "not assigned yet"),
    # --- new demand ---
    "new.title": ("Nova demanda. Qual é o título? Uma frase curta (até {limit} caracteres).",
                  "New demand. What is the title? A short sentence (up to {limit} characters)."),
    "new.title_use": ("Usar “{title}”", "Use “{title}”"),
    "new.title_too_long": ("O título tem {length} caracteres e o limite é {limit}. Escreva um mais curto.",
                           "The title has {length} characters and the limit is {limit}. Write a shorter one."),
    "new.greeting_is_no_answer": ("Olá! Sua nova demanda continua aqui, do ponto em que parou.",
                                  "Hello! Your new request is still here, where you left it."),
    "new.not_the_demands_text": ("“{text}” não serve como texto da demanda. Escreva com suas palavras o que "
                                 "você precisa, ou “menu” para sair: o rascunho fica guardado.",
                                 "“{text}” can't be the request's text. Write in your own words what you need, "
                                 "or “menu” to leave: the draft is kept."),
    "new.back_to_menu": ("Voltando ao menu. Nada foi enviado.", "Back to the menu. Nothing was sent."),
    "new.organ_confirm": ("Órgão: {organ}. Confirmar?", "Agency: {organ}. Confirm?"),
    "new.organ_change": ("Escolher outro órgão", "Choose another agency"),
    "new.organ_list": ("Qual é o órgão solicitante? Escolha na lista ou escreva o nome ou a sigla.",
                       "Which agency is requesting? Pick from the list or write its name or acronym."),
    "new.type": ("Qual é o tipo da demanda?\n"
                 "• Serviços: pedidos que exigem uma ação da CAGE (exceto sistemas). Ex.: liberar uma liquidação.\n"
                 "• Orientação: orientações gerais sobre a execução da despesa pública, sem ação da CAGE. "
                 "Ex.: requisitos para aditivar um convênio.\n"
                 "• Suporte Sistemas: sistemas administrados pela CAGE (FPE, CAGE Gerencial, MINA, CADIN...).",
                 "What type of demand is it?\n"
                 "• Serviços (services): requests that need an action by CAGE (except systems). "
                 "E.g. releasing a liquidação.\n"
                 "• Orientação (guidance): general guidance on public spending, no action by CAGE. "
                 "E.g. what an agreement amendment requires.\n"
                 "• Suporte Sistemas (systems support): systems run by CAGE (FPE, CAGE Gerencial, MINA, CADIN...)."),
    "new.category": ("Qual é a categoria ({type})? Escolha na lista ou escreva.",
                     "Which category ({type})? Pick from the list or write it."),
    "new.subject_service": ("Qual é o serviço? Escolha na lista, escreva, ou escolha “Outro” para descrever.",
                            "Which service? Pick from the list, write it, or choose “Outro” to describe it."),
    "new.subject_other_text": ("Descreva o assunto em poucas palavras.", "Describe the subject in a few words."),
    "new.subject_free": ("Qual é o tema da orientação? Poucas palavras, por exemplo “aditivo de convênio”.",
                         "What is the theme of the question? A few words, for example “agreement amendment”."),
    "new.subject_system": ("Qual é o sistema?", "Which system?"),
    "new.subject_too_long": ("O texto tem {length} caracteres e o limite é {limit}. Resuma, por favor.",
                             "The text has {length} characters and the limit is {limit}. Please shorten it."),
    "new.module": ("Quer indicar o módulo no {system}? Escreva o caminho, por exemplo "
                   "“Execução de Despesa > Retenção”, ou toque “Pular”.",
                   "Do you want to name the module in {system}? Write its path, for example "
                   "“Execução de Despesa > Retenção”, or tap “Skip”."),
    "new.description": ("Descreva a demanda em detalhes (até {limit} caracteres), informando números de "
                        "documentos e processos se necessário.",
                        "Describe the demand in detail (up to {limit} characters), with document and process "
                        "numbers if needed."),
    "new.description_long": ("Sua descrição tem {length} caracteres e o limite do portal é {limit}. "
                             "Nada foi cortado: posso enviar o excedente como primeiro comentário logo depois de "
                             "registrar a demanda, ou você resume o texto.",
                             "Your description has {length} characters and the portal's limit is {limit}. "
                             "Nothing was cut: I can send the rest as the first comment right after the demand "
                             "is registered, or you shorten the text."),
    "new.description_split": ("Enviar o excedente como primeiro comentário", "Send the rest as the first comment"),
    "new.description_rewrite": ("Vou resumir", "I will shorten it"),
    "new.description_split_ok": ("Combinado: os {length} caracteres finais irão como primeiro comentário.",
                                 "Agreed: the last {length} characters will go as the first comment."),
    "new.description_rewrite_ok": ("Certo. Envie a descrição resumida (até {limit} caracteres).",
                                   "OK. Send the shortened description (up to {limit} characters)."),
    "new.proa": ("Atenção: sua descrição menciona “{hint}”. Pelo Anexo I do guia, registro de despesa, execução "
                 "contratual, prestação de contas de convênios, parcerias e adiantamentos, e pedidos de orientação "
                 "formal ao Gabinete da CAGE (IN CAGE nº 05/2012) seguem pelo Sistema PROA, não pelo Portal e-CAGE. "
                 "Deseja continuar mesmo assim?",
                 "Attention: your description mentions “{hint}”. Under the guide's Anexo I, expense registration, "
                 "contract execution, accountability of agreements, partnerships and advances, and formal "
                 "guidance requests to CAGE's Gabinete (IN CAGE nº 05/2012) go through the PROA system, not the "
                 "e-CAGE Portal. Do you want to go on anyway?"),
    "new.proa_go": ("Continuar mesmo assim", "Go on anyway"),
    "new.proa_stop": ("Cancelar", "Cancel"),
    "new.proa_stopped": ("Certo, a demanda não foi enviada. Procure o Sistema PROA.",
                         "OK, the demand was not sent. Please use the PROA system."),
    "new.attachments": ("Quer anexar arquivos? {rule} Envie-os agora (um ou vários) ou toque “Pular”.",
                        "Do you want to attach files? {rule} Send them now (one or several) or tap “Skip”."),
    "new.attachments_some": ("Anexos:\n{listing}\nEnvie mais arquivos ou toque “Concluir”. Para tirar um, toque "
                             "“Remover um anexo” ou escreva “remover” e o número ou o nome.",
                             "Attachments:\n{listing}\nSend more files or tap “Done”. To take one out, tap "
                             "“Remove an attachment” or write “remove” and its number or name."),
    "new.attachments_done": ("Concluir", "Done"),
    "new.attachments_clear": ("Remover anexos", "Remove attachments"),
    "new.attachments_expected": ("Neste passo eu espero arquivos. Envie-os, ou toque “Pular” para seguir sem anexos.",
                                 "At this step I expect files. Send them, or tap “Skip” to go on without attachments."),
    "new.summary": ("Confira a demanda antes de enviar:", "Check the demand before sending:"),
    "new.summary_overflow": ("(+ {length} caracteres irão como primeiro comentário)",
                             "(+ {length} characters will go as the first comment)"),
    "new.summary_expected": ("Toque “Enviar” para registrar a demanda ou escolha o que editar.",
                             "Tap “Send” to register the demand or choose what to edit."),
    "new.send": ("Enviar", "Send"),
    "new.edit_title": ("Editar título", "Edit title"),
    "new.edit_organ": ("Editar órgão", "Edit agency"),
    "new.edit_type": ("Editar tipo", "Edit type"),
    "new.edit_category": ("Editar categoria", "Edit category"),
    "new.edit_subject": ("Editar assunto", "Edit subject"),
    "new.edit_desc": ("Editar descrição", "Edit description"),
    "new.edit_att": ("Editar anexos", "Edit attachments"),
    "new.discard": ("Descartar", "Discard"),
    "new.draft_kept": ("Guardei o rascunho da nova demanda, com seus anexos: em “Nova demanda” você poderá "
                       "continuá-lo.",
                       "I kept the new demand's draft, with its attachments: in “New demand” you can continue it."),
    "new.resume": ("Você tem um rascunho de demanda guardado: “{title}”. Quer continuar de onde parou ou começar "
                   "de novo?",
                   "You have a draft demand kept: “{title}”. Do you want to continue where you left off or start "
                   "over?"),
    "new.resume_files": ("Anexos: {names}.", "Attachments: {names}."),
    "new.resume_untitled": ("sem título", "untitled"),
    "new.resume_continue": ("Continuar rascunho", "Continue draft"),
    "new.resume_restart": ("Começar de novo", "Start over"),
    "new.resume_expected": ("Toque “Continuar rascunho” ou “Começar de novo”.",
                            "Tap “Continue draft” or “Start over”."),
    "new.resume_outdated": ("A lista de órgãos e classificações mudou desde então: escolha-os de novo.",
                            "The list of agencies and classifications has changed since: choose them again."),
    "new.restarted": ("Rascunho descartado; vamos começar de novo.", "Draft discarded; let us start over."),
    "new.cancelled": ("Nova demanda descartada. Nada foi enviado.", "New demand discarded. Nothing was sent."),
    "new.created": ("Demanda criada! Protocolo: {protocol}\n“{title}”\nVocê será avisado aqui a cada novidade.",
                    "Demand created! Protocol: {protocol}\n“{title}”\nYou will be told here of every update."),
    "new.overflow_sent": ("O restante da descrição foi enviado como primeiro comentário.",
                          "The rest of the description was sent as the first comment."),
    "new.created_next": ("O que deseja fazer agora?", "What would you like to do now?"),
    "new.follow": ("Acompanhar esta demanda", "Follow this demand"),
    # Before sending: an open demand of the requester's that looks like the same request (dialogs/similar.py).
    "new.similar": ("Você já tem uma demanda aberta parecida com esta:\n📄 {protocol} — {title}\n"
                    "Situação: {status} · aberta em {created}\n{why}\n"
                    "Quer comentar nela em vez de abrir outra?",
                    "You already have an open demand like this one:\n📄 {protocol} — {title}\n"
                    "Status: {status} · opened on {created}\n{why}\n"
                    "Would you rather comment on it than open another one?"),
    "new.similar_why_reference": ("Ela cita o mesmo documento: {references}.", "It cites the same document: {references}."),
    "new.similar_why_text": ("Ela tem a mesma classificação e uma descrição parecida.",
                             "It has the same classification and a similar description."),
    "new.similar_comment": ("Comentar nela", "Comment on it"),
    "new.similar_open": ("Abrir mesmo assim", "Open anyway"),
    "new.similar_expected": ("Toque “Comentar nela” ou “Abrir mesmo assim” (ou “voltar” para o resumo).",
                             "Tap “Comment on it” or “Open anyway” (or “back” for the summary)."),
    "new.similar_commented": ("✔ Seu texto foi registrado como comentário em {protocol}; nenhuma demanda nova foi "
                              "aberta.",
                              "✔ Your text was recorded as a comment on {protocol}; no new demand was opened."),
    "new.propose": ("Entendi que você precisa de:\nTipo: {type}\nCategoria: {category}\nAssunto: {subject}\n"
                    "Seu texto será a descrição. Está certo?",
                    "I understood you need:\nType: {type}\nCategory: {category}\nSubject: {subject}\n"
                    "Your text will be the description. Is that right?"),
    "new.offer": ("Não reconheci a classificação, mas posso abrir uma nova demanda com o seu texto como "
                  "descrição; o tipo, a categoria e o assunto você escolhe em seguida. Deseja abrir?",
                  "I could not tell the classification, but I can open a new demand with your text as its "
                  "description; you choose the type, category and subject next. Open it?"),
    "new.offer_expected": ("Abra a demanda com o seu texto ou descarte-a.",
                           "Open the demand with your text or discard it."),
    "new.propose_close": ("Seu pedido pode ser classificado de mais de um jeito. Qual destes é o seu? "
                          "Seu texto será a descrição.",
                          "Your request fits more than one classification. Which of these is yours? "
                          "Your text will be the description."),
    "new.propose_yes": ("Sim, abrir a demanda", "Yes, open the demand"),
    "new.propose_fix": ("Corrigir a classificação", "Correct the classification"),
    "new.propose_expected": ("Confirme a classificação, corrija-a ou descarte.",
                             "Confirm the classification, correct it or discard it."),
    "new.propose_fixing": ("Certo, seu texto será a descrição; vamos escolher a classificação.",
                           "OK, your text will be the description; let us choose the classification."),
    # --- files ---
    "files.where": ("Arquivos são aceitos ao abrir uma demanda (Nova demanda) ou em “Comentar/anexar” de uma "
                    "demanda já aberta. Este arquivo não foi guardado.",
                    "Files are accepted when opening a demand (New demand) or in “Comment/attach” of an open "
                    "demand. This file was not kept."),
    "files.kept_for_demand": ("Guardei {names}: irá anexado à demanda.", "I kept {names}: it will be attached "
                              "to the demand."),
    # The attachment rule (store/attachments.py has its numbers); the README says the same.
    "files.rule": ("Até {count} arquivos por demanda ou comentário, de até {each} MB cada e {total} MB no total.",
                   "Up to {count} files per demand or comment, up to {each} MB each and {total} MB in all."),
    "files.remove": ("Remover um anexo", "Remove an attachment"),
    "files.remove_which": ("Qual anexo devo remover?", "Which attachment should I remove?"),
    "files.remove_one": ("Remover {name}", "Remove {name}"),
    "files.remove_unknown": ("Não encontrei “{what}” entre os anexos.", "I did not find “{what}” among the attachments."),
    "files.removed": ("Removi {name}.", "I removed {name}."),
    "files.refused": ("Não aceito arquivos do tipo “{name}” por segurança. Envie um PDF, uma imagem, "
                      "uma planilha ou um documento de texto.",
                      "For safety I don't accept files like “{name}”. Please send a PDF, an image, "
                      "a spreadsheet or a text document."),
    "files.download_failed": ("Não consegui baixar o arquivo “{name}”. Tente enviá-lo de novo.",
                              "I couldn't download the file “{name}”. Please send it again."),
    "files.choose": ("Escolha uma opção:", "Choose an option:"),
    # --- a demand ---
    "latest_events": ("Últimos eventos:", "Latest events:"),
    "survey_pending": ("A pesquisa de satisfação está disponível: toque “Avaliar”.",
                       "The satisfaction survey is available: tap “Rate”."),
    "event.created": ("Demanda criada", "Demand created"),
    "event.received": ("Recebida por um atendente", "Received by an attendant"),
    "event.answered": ("Respondido(a)", "Answered"),
    "event.info_requested": ("Solicitação de informações", "Information requested"),
    "event.info_sent": ("Informações enviadas", "Information sent"),
    "event.comment": ("Comentário", "Comment"),
    "event.solved": ("Demanda solucionada", "Demand solved"),
    "event.cancelled": ("Demanda cancelada", "Demand cancelled"),
    "event.reopened": ("Demanda reaberta", "Demand reopened"),
    "event.survey_answered": ("Pesquisa respondida", "Survey answered"),
    "timeline.title": ("Linha do tempo de {protocol}, mais recentes primeiro:",
                       "Timeline of {protocol}, newest first:"),
    "timeline.empty": ("Nenhum evento.", "No events."),
    "demand.timeline": ("Linha do tempo", "Timeline"),
    "demand.comment": ("Comentar/anexar", "Comment/attach"),
    "demand.cancel": ("Cancelar demanda", "Cancel demand"),
    "demand.reopen": ("Reabrir demanda", "Reopen demand"),
    "demand.survey": ("Avaliar", "Rate"),
    "list.open_title": ("Minhas demandas ativas", "My active demands"),
    "list.all_title": ("Todas as demandas", "All demands"),
    "list.open_empty": ("Você não tem demandas ativas.", "You have no active demands."),
    "list.all_empty": ("Você ainda não abriu nenhuma demanda.", "You have not opened any demand yet."),
    "list.header": ("{title} — página {page} de {pages} ({total} no total). Toque em uma para abrir:",
                    "{title} — page {page} of {pages} ({total} in all). Tap one to open it:"),
    # --- following ---
    "follow.lookup": ("Qual é o número do protocolo? Por exemplo CAGE-08336-T2D3 (ou só 08336).",
                      "What is the protocol number? For example CAGE-08336-T2D3 (or just 08336)."),
    "follow.lookup_invalid": ("Não reconheci um protocolo das suas demandas. O formato é CAGE-12345-A1B2; "
                              "escreva de novo ou “menu”.",
                              "I did not recognise a protocol of your demands. The format is CAGE-12345-A1B2; "
                              "write it again or “menu”."),
    "follow.number_not_found": ("Não encontrei a demanda número {number} entre as suas.",
                                "I could not find demand number {number} among yours."),
    "follow.comment": ("Escreva o comentário para {protocol} e/ou envie arquivos. É assim que você envia "
                       "informações pedidas pela CAGE.",
                       "Write the comment for {protocol} and/or send files. This is how you send information "
                       "CAGE asked for."),
    "follow.comment_files": ("Arquivos prontos:\n{listing}\nEscreva o comentário ou toque “Enviar só os anexos”. "
                             "Para tirar um, escreva “remover” e o número ou o nome.",
                             "Files ready:\n{listing}\nWrite the comment or tap “Send the files only”. To take one "
                             "out, write “remove” and its number or name."),
    "follow.comment_send_files": ("Enviar só os anexos", "Send the files only"),
    "follow.comment_ok": ("Comentário registrado na demanda {protocol} (situação: {status}).",
                          "Comment recorded on demand {protocol} (status: {status})."),
    "follow.comment_closed": ("A demanda {protocol} está {status}: não recebe comentários. Você pode reabri-la "
                              "(até 7 dias após o encerramento) ou abrir uma nova demanda.",
                              "Demand {protocol} is {status}: it takes no comments. You can reopen it (up to 7 "
                              "days after it was closed) or open a new demand."),
    "follow.cancel_confirm": ("Confirma o cancelamento da demanda {protocol}?",
                              "Do you confirm cancelling demand {protocol}?"),
    "follow.cancel_kept": ("Certo, a demanda {protocol} continua aberta.", "OK, demand {protocol} stays open."),
    "follow.cancel_ok": ("Demanda {protocol} cancelada. Se precisar, você pode reabri-la em até 7 dias.",
                         "Demand {protocol} cancelled. If needed, you can reopen it within 7 days."),
    "follow.cancel_closed": ("A demanda {protocol} já está {status} e não pode ser cancelada.",
                             "Demand {protocol} is already {status} and cannot be cancelled."),
    "follow.reopen_reason": ("Por que deseja reabrir a demanda {protocol}? Escreva o motivo.",
                             "Why do you want to reopen demand {protocol}? Write the reason."),
    "follow.reopen_ok": ("Demanda {protocol} reaberta (situação: {status}).",
                         "Demand {protocol} reopened (status: {status})."),
    "follow.reopen_open": ("A demanda {protocol} está {status}: não precisa ser reaberta. Você pode comentar nela.",
                           "Demand {protocol} is {status}: it does not need reopening. You can comment on it."),
    "follow.rating": ("Como você avalia o atendimento da demanda {protocol}? De 1 (ruim) a 5 (ótimo).",
                      "How do you rate the service on demand {protocol}? From 1 (poor) to 5 (excellent)."),
    "follow.rating_expected": ("Escolha uma nota de 1 a 5.", "Choose a rating from 1 to 5."),
    "follow.rating_comment": ("Quer deixar um comentário sobre o atendimento? Escreva-o ou toque “Pular”.",
                              "Would you like to comment on the service? Write it or tap “Skip”."),
    "follow.rating_dropped": ("Avaliação de {protocol} não registrada: a pesquisa continua disponível na demanda.",
                              "Rating of {protocol} not recorded: the survey is still available on the demand."),
    # A pending comment, reopen reason or survey comment left for something else (or left too long).
    "follow.discarded_comment": ("Comentário em {protocol} descartado.", "Comment on {protocol} discarded."),
    "follow.discarded_reopen": ("Reabertura de {protocol} descartada.", "Reopening of {protocol} discarded."),
    # A text that reads as a request, written where content was expected: asked before it is recorded.
    "follow.confirm_comment": ("Registrar como comentário em {protocol}?\n“{text}”",
                               "Record this as a comment on {protocol}?\n“{text}”"),
    "follow.confirm_reopen": ("Registrar como motivo da reabertura de {protocol}?\n“{text}”",
                              "Record this as the reason to reopen {protocol}?\n“{text}”"),
    "follow.confirm_rating_comment": ("Registrar como comentário da avaliação de {protocol}?\n“{text}”",
                                      "Record this as the comment of your rating of {protocol}?\n“{text}”"),
    "follow.rating_ok": ("Obrigado! Avaliação {rating}/5 registrada para {protocol}.",
                         "Thank you! Rating {rating}/5 recorded for {protocol}."),
    "follow.survey_unavailable": ("A pesquisa da demanda {protocol} não está disponível (situação: {status}).",
                                  "The survey of demand {protocol} is not available (status: {status})."),
    "rating.1": ("1 ★ Ruim", "1 ★ Poor"),
    "rating.2": ("2 ★★ Regular", "2 ★★ Fair"),
    "rating.3": ("3 ★★★ Bom", "3 ★★★ Good"),
    "rating.4": ("4 ★★★★ Muito bom", "4 ★★★★ Very good"),
    "rating.5": ("5 ★★★★★ Ótimo", "5 ★★★★★ Excellent"),
    # --- profile ---
    "profile.first": ("Antes de começar, preciso de alguns dados seus (como no “Meus Dados” do portal).",
                      "Before we start I need some of your data (as in the portal's “Meus Dados”)."),
    "profile.needed": ("Para abrir demandas, preciso antes dos seus dados.",
                       "To open demands I first need your data."),
    "profile.view": ("Seus dados:", "Your data:"),
    "profile.email_proved": ("{email} (confirmado)", "{email} (confirmed)"),
    "profile.saved": ("Dados atualizados.", "Data updated."),
    "profile.done": ("Obrigado, seus dados estão completos. Você pode alterá-los em “Meus dados”.",
                     "Thank you, your data is complete. You can change it in “My data”."),
    "profile.cancelled": ("Certo. Você pode completar seus dados depois em “Meus dados”.",
                          "OK. You can complete your data later in “My data”."),
    "profile.ask_name": ("Qual é o seu nome completo?", "What is your full name?"),
    "profile.ask_email": ("Qual e-mail devo usar para as notificações?", "Which e-mail should I use for "
                          "notifications?"),
    "profile.ask_phone": ("Qual é o seu telefone, com DDD?", "What is your phone number, with area code?"),
    "profile.ask_cargo": ("Qual é o seu cargo?", "What is your job title?"),
    "profile.ask_organ": ("Em qual órgão você trabalha? Escolha na lista ou escreva o nome ou a sigla.",
                          "Which agency do you work for? Pick from the list or write its name or acronym."),
    "profile.edit_name": ("Editar nome", "Edit name"),
    "profile.edit_email": ("Editar e-mail", "Edit e-mail"),
    "profile.edit_phone": ("Editar telefone", "Edit phone"),
    "profile.edit_cargo": ("Editar cargo", "Edit job title"),
    "profile.edit_organ": ("Editar órgão", "Edit agency"),
    # Quiet hours: pushes from 20:00 to 8:00 go out without a sound (dialogs/profile.py).
    "profile.night": ("Avisos à noite (20h–8h)", "Notices at night (8 pm–8 am)"),
    "profile.night_silent": ("silenciosos", "silent"),
    "profile.night_sound": ("com som", "with sound"),
    "profile.edit_night_sound": ("Avisos à noite com som", "Notices at night with sound"),
    "profile.edit_night_silent": ("Avisos à noite silenciosos", "Silent notices at night"),
    "profile.pushes": ("Onde receber avisos", "Where to get notices"),
    "profile.ask_pushes": ("Onde você quer receber os avisos das suas demandas? Toque para ligar ou desligar.",
                           "Where do you want notices about your demands? Tap to turn one on or off."),
    "profile.push_on": ("{channel}: ligado", "{channel}: on"),
    "profile.push_off": ("{channel}: desligado", "{channel}: off"),
    "profile.pushes_done": ("Pronto", "Done"),
    "profile.pushes_how": ("Toque em um canal para ligar ou desligar, ou em “Pronto”.",
                           "Tap a channel to turn it on or off, or “Done”."),
    "channel.telegram": ("Telegram", "Telegram"),
    "channel.teams": ("Microsoft Teams", "Microsoft Teams"),
    "channel.email": ("E-mail", "E-mail"),
    "channel.shell": ("Terminal", "Terminal"),
    # --- proving who one is (dialogs/identity.py) ---
    "identity.needed": ("Para abrir ou acompanhar demandas, preciso antes confirmar quem você é.",
                        "Before you open or follow demands, I need to confirm who you are."),
    "identity.link": ("Entre com a sua conta gov.br por este link (vale 10 minutos e uma só vez):\n{url}\n"
                      "Depois de entrar, eu aviso aqui.",
                      "Sign in with your gov.br account through this link (valid for 10 minutes, once):\n{url}\n"
                      "Once you have signed in, I will tell you here."),
    "identity.new_link": ("Novo link de acesso", "New sign-in link"),
    "identity.signed_in": ("Identidade confirmada pelo gov.br, {name}. Agora você pode abrir e acompanhar demandas.",
                           "Identity confirmed by gov.br, {name}. You can now open and follow demands."),
    "identity.email_way": ("Vou enviar um código de 6 dígitos ao seu e-mail institucional ({domains}).",
                           "I will send a 6-digit code to your institutional e-mail ({domains})."),
    "identity.no_way": ("Não há como confirmar identidades neste momento; fale com a CAGE.",
                        "Identities cannot be confirmed right now; please contact CAGE."),
    "identity.domain_refused": ("Use o seu e-mail institucional (domínios aceitos: {domains}).",
                                "Please use your institutional e-mail (accepted domains: {domains})."),
    "identity.code_subject": ("Seu código de confirmação do e-CAGE", "Your e-CAGE confirmation code"),
    "identity.code_mail": ("Seu código de confirmação é {code}.\nEle vale 10 minutos. Se não foi você quem pediu, "
                           "ignore este e-mail.",
                           "Your confirmation code is {code}.\nIt is valid for 10 minutes. If you did not ask "
                           "for it, ignore this e-mail."),
    "identity.code_sent": ("Enviei um código de 6 dígitos para {email}.", "I sent a 6-digit code to {email}."),
    "identity.ask_code": ("Digite aqui o código de 6 dígitos que enviei (vale 10 minutos).",
                          "Type here the 6-digit code I sent (valid for 10 minutes)."),
    "identity.new_code": ("Enviar novo código", "Send a new code"),
    "identity.code_format": ("O código tem 6 dígitos, por exemplo 123456.", "The code has 6 digits, like 123456."),
    "identity.code_ok": ("E-mail {email} confirmado.", "E-mail {email} confirmed."),
    "identity.code_wrong": ("Código incorreto. Restam {left} tentativas.", "Wrong code. {left} tries left."),
    "identity.code_locked": ("Código bloqueado depois de 5 tentativas erradas. Peça um novo código.",
                             "Code locked after 5 wrong tries. Ask for a new code."),
    "identity.code_expired": ("Esse código expirou ou não vale mais. Peça um novo código.",
                              "That code expired or no longer counts. Ask for a new code."),
    "identity.code_wait_minute": ("Acabei de enviar um código: aguarde um minuto para pedir outro.",
                                  "I have just sent a code: wait a minute before asking for another."),
    "signin.page_done": ("Pronto: sua identidade foi confirmada. Pode fechar esta página e voltar ao chat.",
                         "Done: your identity is confirmed. You may close this page and go back to the chat."),
    "signin.page_refused": ("Não foi possível confirmar sua identidade. Peça um novo link no chat.",
                            "Your identity could not be confirmed. Ask the chat for a new link."),
    "signin.page_unavailable": ("O gov.br não respondeu agora. Tente o mesmo link de novo em instantes.",
                                "gov.br did not answer just now. Try the same link again in a moment."),
    "signin.page_link_gone": ("Este link expirou ou já foi usado. Peça um novo link no chat.",
                              "This link expired or was already used. Ask the chat for a new link."),
    "identity.code_wait_hour": ("Já enviei 5 códigos na última hora: tente mais tarde.",
                                "I have sent 5 codes in the last hour: please try later."),
    # --- help, per step ---
    "help.general": ("Ajuda do Portal e-CAGE no chat.\n" + _HELP_COMMANDS_PT,
                     "e-CAGE Portal chat help.\n" + _HELP_COMMANDS_EN),
    "help.new.title": ("O título resume a demanda em uma frase, como “Liberar liquidação do empenho 123”.",
                       "The title sums the demand up in one sentence, like “Release the liquidação of "
                       "commitment 123”."),
    "help.new.organ": ("O órgão é quem solicita: normalmente o seu. Confirme ou escolha outro.",
                       "The agency is who is asking: usually yours. Confirm it or choose another."),
    "help.new.type": ("Serviços pedem uma ação da CAGE; Orientação tira dúvidas sem ação; Suporte Sistemas trata "
                      "dos sistemas da CAGE. Também pode escrever o serviço ou o sistema (“liberar liquidação”, "
                      "“FPE”).",
                      "Services ask CAGE to act; Guidance answers questions without action; Systems support "
                      "covers CAGE's systems. You may also write the service or the system (“liberar liquidação”, "
                      "“FPE”)."),
    "help.new.category": ("As categorias vêm do Anexo I do guia. Escreva parte do nome (sem acentos, tudo bem), "
                          "o serviço ou o sistema de que se trata, ou navegue pela lista.",
                          "Categories come from the guide's Anexo I. Write part of the name (accents optional), "
                          "the service or the system it is about, or browse the list."),
    "help.new.subject": ("O assunto detalha a categoria: um serviço do Quadro 1, o tema da orientação ou o "
                         "sistema.",
                         "The subject details the category: a Quadro 1 service, the theme of the question or "
                         "the system."),
    "help.new.module": ("Indique onde no sistema está o problema (ex.: “Execução de Despesa > Retenção”) ou pule.",
                        "Say where in the system the problem is (e.g. “Execução de Despesa > Retenção”) or skip."),
    "help.new.description": ("Conte o que precisa com detalhes, números de documentos e processos. "
                             "Textos longos podem seguir como comentário.",
                             "Tell what you need in detail, with document and process numbers. Long texts can "
                             "go on as a comment."),
    "help.new.attachments": ("Envie os arquivos (documentos ou imagens) como mensagens; depois toque “Concluir”. "
                             "Para tirar um, escreva “remover” e o número ou o nome.",
                             "Send the files (documents or images) as messages; then tap “Done”. To take one "
                             "out, write “remove” and its number or name."),
    "help.new.resume": ("“Continuar rascunho” retoma a demanda guardada de onde parou; “Começar de novo” a "
                        "descarta, com seus anexos.",
                        "“Continue draft” takes the kept demand up where you left off; “Start over” discards it, "
                        "with its attachments."),
    "help.new.summary": ("Confira tudo: toque “Enviar” para registrar, ou “Editar …” para mudar um campo.",
                         "Check everything: tap “Send” to register it, or “Edit …” to change a field."),
    "help.new.similar": ("Você já tem uma demanda aberta parecida. “Comentar nela” envia seu texto e anexos como "
                         "comentário nela; “Abrir mesmo assim” abre a nova demanda; “voltar” retorna ao resumo.",
                         "You already have a similar open demand. “Comment on it” sends your text and files as a "
                         "comment on it; “Open anyway” opens the new demand; “back” returns to the summary."),
    "help.new.propose": ("Sugeri abrir uma demanda com o seu texto como descrição (e uma classificação, quando "
                         "a reconheci). Confirme, corrija ou descarte.",
                         "I suggested opening a demand with your text as its description (and a classification, "
                         "when I recognised one). Confirm, correct or discard it."),
    "help.follow.comment": ("O comentário (com arquivos, se quiser) entra na linha do tempo da demanda. Se a CAGE "
                            "pediu informações, é assim que você as envia.",
                            "The comment (with files if you like) goes into the demand's timeline. If CAGE asked "
                            "for information, this is how you send it."),
    "help.follow.confirm": ("Sua mensagem parecia um pedido (uma consulta, um comando). “Sim” a registra como "
                            "conteúdo; “Não” a descarta e faz o que ela pede; ou escreva o texto de novo.",
                            "Your message looked like a request (a query, a command). “Yes” records it as content; "
                            "“No” discards it and does what it asks; or write the text again."),
    "help.follow.cancel": ("Cancelar encerra a demanda; você pode reabri-la em até 7 dias.",
                           "Cancelling closes the demand; you can reopen it within 7 days."),
    "help.follow.reopen": ("Demandas resolvidas ou canceladas podem ser reabertas em até 7 dias, com um motivo.",
                           "Solved or cancelled demands can be reopened within 7 days, with a reason."),
    "help.follow.rating": ("A pesquisa de satisfação vale uma nota de 1 a 5 e um comentário opcional.",
                           "The satisfaction survey takes a rating from 1 to 5 and an optional comment."),
    "help.follow.list": ("Toque numa demanda para abri-la, ou use “Mais ▶” para ver outras.",
                         "Tap a demand to open it, or use “More ▶” to see others."),
    "help.follow.lookup": ("Escreva o protocolo como quiser: CAGE-08336-T2D3, cage 08336 t2d3 ou só 08336.",
                           "Write the protocol any way: CAGE-08336-T2D3, cage 08336 t2d3 or just 08336."),
    "help.profile.view": ("Estes dados identificam você nas demandas. Toque no que quer alterar.",
                          "This data identifies you in demands. Tap what you want to change."),
    "help.profile.name": ("Seu nome aparece como solicitante das demandas.",
                          "Your name shows as the requester of your demands."),
    "help.profile.email": ("O e-mail recebe as notificações, como no portal.", "The e-mail gets notifications, "
                           "as in the portal."),
    "help.profile.phone": ("Informe DDD e número, por exemplo (51) 3214-5200.",
                           "Give area code and number, for example (51) 3214-5200."),
    "help.profile.cargo": ("Seu cargo ou função, por exemplo “Analista de Planejamento”.",
                           "Your job title, for example “Planning analyst”."),
    "help.profile.pushes": ("Os avisos vão para o canal em que você começou; ligue outros se quiser.",
                            "Notices go to the channel you started on; turn others on if you like."),
    "help.profile.code": ("Procure na sua caixa de entrada (e no spam) o e-mail do e-CAGE com o código.",
                          "Look in your inbox (and spam folder) for the e-CAGE e-mail with the code."),
    "help.profile.organ": ("O seu órgão é sugerido ao abrir cada demanda.",
                           "Your agency is suggested when opening each demand."),
    # --- attendants (dialogs/attendant.py): the queue, demand cards and actions ---
    "att.receive": ("Receber", "Receive"),
    "att.answer": ("Responder", "Answer"),
    "att.request": ("Solicitar informações", "Request information"),
    "att.solve": ("Solucionar", "Solve"),
    "att.timeline": ("Linha do tempo", "Timeline"),
    "att.files": ("Anexos", "Attachments"),
    "att.drop": ("Descartar", "Discard"),
    "att.field_requester": ("Solicitante", "Requester"),
    "att.age_now": ("agora", "just now"),
    "att.age_minutes": ("há {n} min", "{n} min ago"),
    "att.age_hours": ("há {n} h", "{n} h ago"),
    "att.age_day": ("há 1 dia", "1 day ago"),
    "att.age_days": ("há {n} dias", "{n} days ago"),
    "att.unassigned": ("sem atendente", "unassigned"),
    "att.new_demand": ("🆕 Nova Demanda | Protocolo: {protocol}", "🆕 New Demand | Protocol: {protocol}"),
    "att.refused": ("Somente atendentes da CAGE podem usar este comando.",
                    "Only CAGE attendants can use this command."),
    "att.refused_group": ("Somente atendentes da CAGE são atendidos neste grupo. Para abrir ou acompanhar "
                          "suas demandas, fale comigo numa conversa privada.",
                          "Only CAGE attendants are served in this group. To open or follow your demands, "
                          "talk to me in a private chat."),
    "att.help": ("Comandos de atendimento:\n"
                 "• /fila — demandas abertas, sem atendente primeiro\n"
                 "• /atribuidas — demandas com você\n"
                 "• /demanda PROTOCOLO — o cartão da demanda\n"
                 "• /receber PROTOCOLO\n"
                 "• /responder PROTOCOLO texto\n"
                 "• /solicitar PROTOCOLO texto\n"
                 "• /solucionar PROTOCOLO texto\n"
                 "• /buscar NÚMERO — demandas que citam um empenho, liquidação, PROA, CNPJ…\n"
                 "• /vincular ou /desvincular — este grupo como sala dos atendentes\n"
                 "Você também pode responder ao cartão de uma demanda: a resposta vira o texto da ação.",
                 "Attendant commands (in Portuguese):\n"
                 "• /fila — open demands, unassigned first\n"
                 "• /atribuidas — demands you hold\n"
                 "• /demanda PROTOCOL — the demand's card\n"
                 "• /receber PROTOCOL\n"
                 "• /responder PROTOCOL text — answer\n"
                 "• /solicitar PROTOCOL text — request information\n"
                 "• /solucionar PROTOCOL text — solve\n"
                 "• /buscar NUMBER — demands citing an empenho, liquidação, PROA, CNPJ…\n"
                 "• /vincular or /desvincular — this group as the attendants' room\n"
                 "You can also reply to a demand's card: the reply becomes the action's text."),
    "att.help_text": ("Escreva o texto (pode anexar arquivos) ou “cancelar” para desistir.",
                      "Write the text (you may attach files) or “cancel” to give up."),
    "att.help_which": ("Escolha o que fazer com o texto que você escreveu, ou “Descartar”.",
                       "Choose what to do with the text you wrote, or “Discard”."),
    "att.need_protocol": ("Informe o protocolo: /{command} CAGE-00000-A0B0 …",
                          "Give the protocol: /{command} CAGE-00000-A0B0 …"),
    "att.ask_ans": ("Escreva a resposta para {protocol} (pode anexar arquivos).",
                    "Write the answer for {protocol} (you may attach files)."),
    "att.ask_req": ("Escreva quais informações ou documentos pedir em {protocol} (pode anexar arquivos).",
                    "Write which information or documents to request in {protocol} (you may attach files)."),
    "att.ask_sol": ("Escreva a solução de {protocol} (pode anexar arquivos).",
                    "Write the solution of {protocol} (you may attach files)."),
    "att.files_held": ("Arquivos guardados para enviar com o texto: {names}.",
                       "Files kept to send with the text: {names}."),
    "att.reply_here": ("Responda a esta mensagem com o texto.", "Reply to this message with the text."),
    "att.which": ("O que fazer com sua mensagem em {protocol}?", "What should I do with your message on {protocol}?"),
    "att.dropped": ("Certo, descartei a mensagem. Nada foi registrado.",
                    "OK, I discarded the message. Nothing was recorded."),
    "att.cancelled": ("Certo, cancelado. Nada foi registrado.", "OK, cancelled. Nothing was recorded."),
    # A pending action left for something else (or left too long): said before that other thing.
    "att.discarded_ans": ("Resposta a {protocol} descartada.", "Answer to {protocol} discarded."),
    "att.discarded_req": ("Pedido de informações em {protocol} descartado.",
                          "Information request on {protocol} discarded."),
    "att.discarded_sol": ("Solução de {protocol} descartada.", "Solution of {protocol} discarded."),
    "att.discarded_which": ("Mensagem para {protocol} descartada.", "Message for {protocol} discarded."),
    "att.discarded_reassign": ("Troca de atendente de {protocol} descartada.",
                               "Change of attendant of {protocol} discarded."),
    "att.confirm_ans": ("Registrar como resposta a {protocol}?\n“{text}”", "Record this as the answer to {protocol}?\n“{text}”"),
    "att.confirm_req": ("Registrar como pedido de informações em {protocol}?\n“{text}”",
                        "Record this as an information request on {protocol}?\n“{text}”"),
    "att.confirm_sol": ("Registrar como solução de {protocol}?\n“{text}”",
                        "Record this as the solution of {protocol}?\n“{text}”"),
    "att.help_confirm": ("Sua mensagem parecia um pedido (uma consulta, um comando). “Sim” a registra; “Não” a "
                         "descarta; ou escreva o texto de novo.",
                         "Your message looked like a request (a query, a command). “Yes” records it; “No” "
                         "discards it; or write the text again."),
    # Any pending action, the attendant's or the requester's (dialogs/pending.py).
    "pending.late": ("Passaram mais de {minutes} minutos sem resposta; nada foi registrado.",
                     "More than {minutes} minutes went by without an answer; nothing was recorded."),
    "pending.record": ("Sim, registrar", "Yes, record it"),
    "pending.not_content": ("Não", "No"),
    "att.take_over": ("Sim, assumir", "Yes, take it over"),
    "att.keep_holder": ("Não, deixar como está", "No, leave it"),
    "att.reassign": ("{protocol} já está com outro atendente. Assumir mesmo assim?",
                     "{protocol} is already held by another attendant. Take it over anyway?"),
    "att.kept": ("Certo, {protocol} continua com o mesmo atendente.", "OK, {protocol} stays with the same attendant."),
    "att.done_recv": ("✔ {protocol} recebida por {name}.", "✔ {protocol} received by {name}."),
    "att.done_ans": ("✔ Resposta de {name} registrada em {protocol}.", "✔ {name}'s answer recorded on {protocol}."),
    "att.done_req": ("✔ {name} solicitou informações em {protocol}.", "✔ {name} requested information on {protocol}."),
    "att.done_sol": ("✔ {protocol} solucionada por {name}.", "✔ {protocol} solved by {name}."),
    "att.queue_title": ("Fila de demandas abertas", "Queue of open demands"),
    "att.mine_title": ("Demandas com você", "Demands you hold"),
    "att.list_header": ("{title} — {total} no total (página {page} de {pages}):",
                        "{title} — {total} in all (page {page} of {pages}):"),
    "att.queue_empty": ("A fila está vazia: nenhuma demanda aberta.", "The queue is empty: no open demands."),
    "att.mine_empty": ("Nenhuma demanda aberta com você.", "You hold no open demands."),
    "att.no_files": ("{protocol} não tem anexos.", "{protocol} has no attachments."),
    "att.files_of": ("Anexos de {protocol} ({count}):", "Attachments of {protocol} ({count}):"),
    "att.bind_private": ("A sala dos atendentes é um grupo: use /vincular no grupo.",
                         "The attendants' room is a group: use /vincular in the group."),
    "att.bound": ("Este grupo agora é a sala dos atendentes: novas demandas aparecerão aqui.",
                  "This group is now the attendants' room: new demands will show up here."),
    "att.unbound": ("Este grupo não é mais a sala dos atendentes.", "This group is no longer the attendants' room."),
    # Aging (dialogs/attendant_card.py, the queue): working hours are Mon–Fri 8–18, holidays apart.
    "att.field_age": ("Aberta", "Opened"),
    "att.field_last_action": ("Última ação da CAGE", "Last CAGE action"),
    "att.no_action_yet": ("nenhuma ainda", "none yet"),
    "att.field_waiting": ("Aguardando a CAGE", "Waiting for CAGE"),
    "att.working_hours": ("{hours} h úteis", "{hours} working hours"),
    "att.overdue": ("⚠️ {hours} h úteis sem ação", "⚠️ {hours} working hours with no action"),
    # What the notifier writes in the rooms by itself (dialogs/digest.py).
    "att.attention": ("⚠️ {protocol} aguarda a CAGE há {hours} horas úteis: {title} ({requester}).",
                      "⚠️ {protocol} has waited for CAGE for {hours} working hours: {title} ({requester})."),
    "att.attention_many": ("⚠️ {n} demandas aguardam a CAGE há mais de {hours} horas úteis:",
                           "⚠️ {n} demands have waited for CAGE for more than {hours} working hours:"),
    "digest.title": ("📋 Resumo do dia {day} (desde {since})", "📋 Summary of {day} (since {since})"),
    "digest.opened": ("Abertas: {n}", "Opened: {n}"),
    "digest.solved": ("Solucionadas: {n}", "Solved: {n}"),
    "digest.survey": ("Pesquisa de satisfação: média {average} em {n} resposta(s)",
                      "Satisfaction survey: average {average} over {n} answer(s)"),
    "digest.no_survey": ("Pesquisa de satisfação: nenhuma resposta", "Satisfaction survey: no answers"),
    "digest.waiting_cage": ("Aguardando a CAGE: {n}", "Waiting for CAGE: {n}"),
    "digest.waiting_info": ("Aguardando informações do solicitante: {n}",
                            "Waiting for the requester's information: {n}"),
    "digest.more": ("… e mais {n}", "… and {n} more"),
    # Document references (taxonomy/references.toml): on the card, in the timeline, and /buscar.
    "att.field_references": ("Documentos citados", "Documents cited"),
    "att.field_duplicate": ("⚠️ Possível duplicata de", "⚠️ Possible duplicate of"),
    "ref.kind.ne": ("Empenho", "Commitment (empenho)"),
    "ref.kind.nl": ("Liquidação", "Liquidation (liquidação)"),
    "ref.kind.nf": ("Nota financeira", "Financial note"),
    "ref.kind.rq": ("Requisição", "Requisition"),
    "ref.kind.proa": ("PROA", "PROA"),
    "ref.kind.cnpj": ("CNPJ", "CNPJ"),
    "ref.kind.cpf": ("CPF", "CPF"),
    "ref.kind.uo": ("UO", "Budget unit (UO)"),
    "att.search_title": ("Demandas que citam {references}", "Demands citing {references}"),
    "att.search_header": ("{title} — {total} no total:", "{title} — {total} in all:"),
    "att.search_more": ("Mostrando as {shown} mais recentes.", "Showing the {shown} most recent."),
    "att.search_none": ("Nenhuma demanda cita {references}.", "No demand cites {references}."),
    "att.search_what": ("Não reconheci um número de documento em “{text}”. Exemplos: /buscar 2025NE000123, "
                        "/buscar 25/1300-0001234-5, /buscar 11.222.333/0001-81 (CPF e CNPJ só com dígitos "
                        "verificadores válidos).",
                        "I did not recognise a document number in “{text}”. Examples: /buscar 2025NE000123, "
                        "/buscar 25/1300-0001234-5, /buscar 11.222.333/0001-81 (CPF and CNPJ only with valid "
                        "check digits)."),
    # --- Teams channel (bot/teams): what the Teams adapter says on its own ---
    "teams.pick": ("Escolha uma opção", "Choose an option"),
    "teams.pick_submit": ("Escolher", "Choose"),
    "teams.action_taken": ("Feito.", "Done."),
    "teams.group_welcome": ("Olá! Sou o assistente do Portal e-CAGE. Aqui, me mencione (@) junto com a sua "
                            "mensagem; para abrir e acompanhar suas demandas, fale comigo no chat particular.",
                            "Hello! I am the e-CAGE Portal assistant. Here, mention me (@) with your message; "
                            "to open and follow your demands, talk to me in a personal chat."),
    "teams.file_too_large": ("O arquivo “{name}” tem mais de {mb} MB, o limite para anexos. Reduza ou divida "
                             "o arquivo e envie de novo.",
                             "The file “{name}” is larger than {mb} MB, the limit for attachments. Please "
                             "shrink or split it and send it again."),
    "teams.files_not_shown": ("Arquivos que não consigo mostrar aqui: {names}.",
                              "Files I cannot show here: {names}."),
    # A card with a download link per file (bot/teams/render.py), and what the link answers in a
    # browser when it no longer works (bot/downloads.py).
    "files.download_heading": ("📎 Arquivos ({count}):", "📎 Files ({count}):"),
    "files.download": ("Baixar", "Download"),
    "files.download_note": ("Os links valem por {days} dias.", "The links work for {days} days."),
    "files.link_refused": ("Este link de download expirou ou não é válido. Peça o arquivo de novo no chat.",
                           "This download link has expired or is not valid. Ask for the file again in the chat."),
    "files.link_gone": ("Arquivo não encontrado.", "File not found."),
    # --- store refusals ---
    # What dialogs/refusals.py says for each refusal of the store ("refusal.<code>"), with the
    # words its sentences are made of: fields, actions, and what to do instead (hints).
    "refusal.demand_not_found": ("Não encontrei a demanda {protocol} entre as que você pode consultar. "
                                 "Confira o número do protocolo ou veja a lista das suas demandas.",
                                 "I could not find demand {protocol} among the ones you can see. "
                                 "Check the protocol number or look at the list of your demands."),
    "refusal.attachment_not_found": ("Não encontrei esse anexo entre os que você pode consultar.",
                                     "I could not find that attachment among the ones you can see."),
    "refusal.unknown_person": ("Não encontrei o seu cadastro. Envie uma mensagem para começar de novo.",
                               "I could not find your registration. Send a message to start again."),
    "refusal.unknown_chat": ("Não encontrei esta conversa. Envie uma mensagem nela e tente de novo.",
                             "I could not find this chat. Send a message in it and try again."),
    "refusal.attendant_only": ("Somente atendentes da CAGE podem {action}.", "Only CAGE attendants can {action}."),
    "refusal.requester_only": ("Somente quem abriu a demanda pode {action}.",
                               "Only the person who opened the demand can {action}."),
    "refusal.already_assigned": ("A demanda {protocol} já está com {holder_name}. Confirme se deseja assumi-la "
                                 "mesmo assim.",
                                 "Demand {protocol} is already with {holder_name}. Confirm if you want to take it "
                                 "over anyway."),
    "refusal.already_yours": ("A demanda {protocol} já está com você.", "Demand {protocol} is already with you."),
    "refusal.wrong_status": ("Não é possível {action} {protocol}: ela está com status “{status}”.",
                             "It is not possible to {action} {protocol}: its status is “{status}”."),
    "refusal.not_closed": ("A demanda {protocol} está com status “{status}” e não precisa ser reaberta: você pode "
                           "enviar um comentário nela.",
                           "Demand {protocol} has status “{status}” and does not need to be reopened: you can "
                           "send a comment on it."),
    "refusal.reopen_window_closed": ("Esta demanda foi encerrada em {closed_on} e só podia ser reaberta até "
                                     "{last_day} (7 dias). Abra uma nova demanda citando o protocolo {protocol}.",
                                     "This demand was closed on {closed_on} and could only be reopened until "
                                     "{last_day} (7 days). Open a new demand quoting protocol {protocol}."),
    "refusal.survey_answered": ("A pesquisa de satisfação da demanda {protocol} já foi respondida. Obrigado!",
                                "The satisfaction survey of demand {protocol} has already been answered. Thank you!"),
    "refusal.survey_not_yet": ("A pesquisa de satisfação da demanda {protocol} só está disponível depois que ela "
                               "é solucionada.",
                               "The satisfaction survey of demand {protocol} is only available once the demand "
                               "is solved."),
    "refusal.required": ("{field} não pode ficar em branco.", "{field} cannot be left blank."),
    "refusal.too_long": ("{field} tem {length} caracteres e o limite é {limit}.",
                         "{field} has {length} characters and the limit is {limit}."),
    "refusal.malformed_email": ("Esse e-mail não parece válido. Informe um endereço como nome@exemplo.rs.gov.br.",
                                "That e-mail does not look valid. Give an address like nome@exemplo.rs.gov.br."),
    "refusal.malformed_phone": ("Esse telefone não parece válido. Informe o DDD e o número, por exemplo "
                                "(51) 3214-5200 ou (51) 99999-8888.",
                                "That phone number does not look valid. Give the area code and the number, for "
                                "example (51) 3214-5200 or (51) 99999-8888."),
    "refusal.rating_out_of_range": ("A avaliação deve ser uma nota de 1 a 5.", "The rating must be a score from 1 to 5."),
    "refusal.subject_detail_missing": ("Descreva o assunto em poucas palavras.",
                                       "Describe the subject in a few words."),
    "refusal.unknown_organ": ("Não reconheci o órgão “{value}”. Escolha uma das opções da lista.",
                              "I did not recognise the agency “{value}”. Choose one of the options in the list."),
    "refusal.unknown_type": ("Não reconheci o tipo de demanda “{value}”. Escolha uma das opções da lista.",
                             "I did not recognise the demand type “{value}”. Choose one of the options in the list."),
    "refusal.unknown_category": ("Não reconheci a categoria “{value}”. Escolha uma das opções da lista.",
                                 "I did not recognise the category “{value}”. Choose one of the options in the list."),
    "refusal.unknown_subject": ("Não reconheci o assunto “{value}”. Escolha uma das opções da lista.",
                                "I did not recognise the subject “{value}”. Choose one of the options in the list."),
    "refusal.attachment_empty": ("O arquivo “{filename}” está vazio.", "The file “{filename}” is empty."),
    "refusal.attachment_too_big": ("O arquivo “{filename}” passa de {limit} MB, o limite por arquivo. Envie um "
                                   "arquivo menor.",
                                   "The file “{filename}” is over {limit} MB, the limit per file. Send a smaller "
                                   "file."),
    "refusal.too_many_attachments": ("Não guardei “{filename}”: cada demanda ou comentário leva até {limit} "
                                     "arquivos. Envie os demais em outro comentário depois.",
                                     "I did not keep “{filename}”: each demand or comment takes up to {limit} "
                                     "files. Send the others in another comment afterwards."),
    "refusal.attachments_too_big_in_all": ("Não guardei “{filename}”: com ele os anexos passariam de {limit} MB no "
                                           "total, o limite por demanda ou comentário. Envie-o em outro comentário "
                                           "depois.",
                                           "I did not keep “{filename}”: with it the attachments would be over "
                                           "{limit} MB in all, the limit per demand or comment. Send it in "
                                           "another comment afterwards."),
    "refusal.attachment_executable": ("O arquivo “{filename}” é um programa executável e não pode ser anexado. "
                                      "Envie documentos (PDF, Word, Excel, OpenDocument, texto, CSV) ou imagens.",
                                      "The file “{filename}” is an executable program and cannot be attached. "
                                      "Send documents (PDF, Word, Excel, OpenDocument, text, CSV) or images."),
    "refusal.attachment_type_not_allowed": ("O tipo do arquivo “{filename}” não é aceito. Envie documentos (PDF, "
                                            "Word, Excel, PowerPoint, OpenDocument, texto, CSV) ou imagens (JPG, "
                                            "PNG, GIF, WEBP, BMP, TIFF).",
                                            "The type of the file “{filename}” is not accepted. Send documents "
                                            "(PDF, Word, Excel, PowerPoint, OpenDocument, text, CSV) or images "
                                            "(JPG, PNG, GIF, WEBP, BMP, TIFF)."),
    "refusal.attachment_content_mismatch": ("O conteúdo do arquivo “{filename}” não corresponde à extensão do "
                                            "nome. Confira se é o arquivo certo e envie-o novamente.",
                                            "The content of the file “{filename}” does not match the extension of "
                                            "its name. Check that it is the right file and send it again."),
    "refusal.hint.await_info": ("Aguarde o envio das informações solicitadas.",
                                "Please wait until the requested information is sent."),
    "refusal.hint.reopen": ("Se ainda precisar de algo, reabra a demanda (até 7 dias após o encerramento) ou abra "
                            "uma nova citando este protocolo.",
                            "If you still need something, reopen the demand (up to 7 days after it was closed) "
                            "or open a new one quoting this protocol."),
    "refusal.hint.add_as_comment": ("Resuma o texto ou envie o restante como comentário depois de registrar a "
                                    "demanda.",
                                    "Shorten the text, or send the rest as a comment once the demand is "
                                    "registered."),
    "refusal.hint.shorten": ("Resuma o texto, por favor.", "Please shorten the text."),
    # The field a refusal is about, as the subject of its sentence ("O título tem ...").
    "refusal.field.title": ("O título", "The title"),
    "refusal.field.description": ("A descrição", "The description"),
    "refusal.field.text": ("O texto", "The text"),
    "refusal.field.reason": ("O motivo", "The reason"),
    "refusal.field.comment": ("O comentário", "The comment"),
    "refusal.field.name": ("O nome", "The name"),
    "refusal.field.cargo": ("O cargo", "The job title"),
    "refusal.field.subject_detail": ("O assunto", "The subject"),
    # An action, completing "Não é possível ..." / "Somente ... podem ...".
    "refusal.action.received": ("receber a demanda", "receive the demand"),
    "refusal.action.answered": ("responder a demanda", "answer the demand"),
    "refusal.action.info_requested": ("solicitar informações na demanda", "request information on the demand"),
    "refusal.action.info_sent": ("enviar informações na demanda", "send information on the demand"),
    "refusal.action.comment": ("comentar na demanda", "comment on the demand"),
    "refusal.action.solved": ("solucionar a demanda", "solve the demand"),
    "refusal.action.cancelled": ("cancelar a demanda", "cancel the demand"),
    "refusal.action.reopened": ("reabrir a demanda", "reopen the demand"),
    "refusal.action.survey_answered": ("responder a pesquisa de satisfação da demanda",
                                       "answer the satisfaction survey of the demand"),
    "refusal.action.bind_room": ("configurar a sala dos atendentes", "set up the attendants' room"),
    "refusal.action.queue": ("ver a fila de demandas", "see the queue of demands"),
}


def language(locale: str | None) -> int:
    """The catalogue column for a locale or a channel's language tag ("en-US" reads English)."""
    return EN if (locale or "").lower().startswith("en") else PT


def locale_of(language_tag: str | None) -> str:
    """The catalogue locale for a channel's language tag (Telegram's `language_code`, a Bot
    Framework activity's `locale`): "en", "en-US", "EN-gb" read English; the rest Portuguese."""
    return ("pt-BR", "en")[language(language_tag)]


def in_every_language(text: str) -> frozenset[str]:
    """`text` and what the catalogue says in its place in the other language, when `text` is one
    of its fixed texts (a button's label: "Enviar" and "Send"), so that a label typed in either
    language picks the button, as "sim" and "yes" both answer yes."""
    return _same_texts().get(text, frozenset((text,)))


@functools.lru_cache(maxsize=1)
def _same_texts() -> dict[str, frozenset[str]]:
    # Built on first use, once every part of the catalogue below is in.
    same: dict[str, set[str]] = {}
    for pt, en in CATALOGUE.values():
        if "{" not in pt:  # a text with fields is never a whole label as typed
            same.setdefault(pt, {pt}).add(en)
            same.setdefault(en, {en}).add(pt)
    return {text: frozenset(texts) for text, texts in same.items()}


class Texts:
    """The catalogue in one language: `t("key", field=value)`."""

    def __init__(self, locale: str | None = "pt-BR"):
        self.index = language(locale)

    def __call__(self, key: str, **fields: Any) -> str:
        text = CATALOGUE[key][self.index]
        return text.format(**{name: self._number(value) for name, value in fields.items()}) if fields else text

    def _number(self, value: Any) -> Any:
        """Thousands as each language writes them: 2.000 in pt-BR, 2,000 in English."""
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1000:
            grouped = f"{value:,}"
            return grouped if self.index == EN else grouped.replace(",", ".")
        return value


# --- timeline pushes ---------------------------------------------------------------------------------
# What the notifier sends when a demand changes (dialogs/events.py). Header lines follow the portal's
# e-mails: "Solicitação de Informações | Protocolo: CAGE-08336-T2D3 | <título>".
CATALOGUE.update({
    "push.header": ("{heading} | Protocolo: {protocol} | {title}", "{heading} | Protocol: {protocol} | {title}"),
    "push.heading.created": ("Nova Demanda", "New Demand"),
    "push.heading.created_own": ("Demanda Registrada", "Demand Registered"),
    "push.heading.received": ("Demanda Recebida", "Demand Received"),
    "push.heading.answered": ("Resposta", "Answer"),
    "push.heading.info_requested": ("Solicitação de Informações", "Information Request"),
    "push.heading.info_sent": ("Envio de Informações", "Information Sent"),
    "push.heading.comment": ("Comentário", "Comment"),
    "push.heading.solved": ("Solução de Demandas", "Demand Solution"),
    "push.heading.cancelled": ("Cancelamento de Demanda", "Demand Cancellation"),
    "push.heading.reopened": ("Reabertura de Demanda", "Demand Reopened"),
    "push.heading.survey_answered": ("Pesquisa de Satisfação", "Satisfaction Survey"),
    "push.lead.created": ("Solicitante: {author}", "Requester: {author}"),
    "push.lead.created_own": ("Sua demanda foi registrada e será atendida pela CAGE.",
                              "Your demand was registered and will be handled by CAGE."),
    "push.lead.received": ("Prezado(a), sua demanda foi recebida por um atendente, favor aguardar a tratativa.",
                           "Dear requester, your demand was received by an attendant; please wait for it to be "
                           "handled."),
    "push.lead.answered": ("Respondido(a) por {author}:", "Answered by {author}:"),
    "push.lead.info_requested": ("Solicitamos informações e documentos adicionais.",
                                 "We request additional information and documents."),
    "push.lead.info_sent": ("Informações enviadas por {author}:", "Information sent by {author}:"),
    "push.lead.info_sent_own": ("Informações enviadas.", "Information sent."),
    "push.lead.comment": ("Comentário de {author}:", "Comment by {author}:"),
    "push.lead.comment_own": ("Seu comentário foi registrado:", "Your comment was recorded:"),
    "push.lead.solved": ("Demanda solucionada.", "Demand solved."),
    "push.lead.cancelled": ("Demanda cancelada por {author}.", "Demand cancelled by {author}."),
    "push.lead.cancelled_own": ("Sua demanda foi cancelada. Você pode reabri-la em até 7 dias.",
                                "Your demand was cancelled. You can reopen it within 7 days."),
    "push.lead.reopened": ("Demanda reaberta por {author}. Motivo:", "Demand reopened by {author}. Reason:"),
    "push.lead.reopened_own": ("Sua demanda foi reaberta. Motivo:", "Your demand was reopened. Reason:"),
    "push.lead.survey_answered": ("{author} avaliou o atendimento: {rating}/5.",
                                 "{author} rated the service: {rating}/5."),
    "push.lead.survey_answered_own": ("Obrigado! Sua avaliação {rating}/5 foi registrada.",
                                      "Thank you! Your rating {rating}/5 was recorded."),
    "push.description": ("Descrição da Ocorrência: {description}", "Description: {description}"),
    "push.attachments": ("📎 Anexos: {names}", "📎 Attachments: {names}"),
    "push.send_info": ("Enviar informações", "Send information"),
    "push.open": ("Abrir demanda", "Open demand"),
    "push.survey": ("Como você avalia o atendimento da demanda {protocol}? Sua opinião ajuda a CAGE a melhorar.",
                    "How do you rate the service on demand {protocol}? Your opinion helps CAGE improve."),
    "push.survey_start": ("Responder pesquisa", "Answer the survey"),
    "push.email.footer": ("Protocolo: {protocol}\nSetor Responsável: CAGE\n\n"
                          "Acompanhe suas demandas pelo e-CAGE Chat (Telegram ou Teams).\n\n"
                          "Este é um email automático. Por favor, não responda.\n"
                          "A resposta deve ser feita pelo e-CAGE Chat ou pelo Portal e-CAGE.\n\n"
                          "Atenciosamente,\n\nContadoria e Auditoria Geral do Estado (CAGE)\n"
                          "Av. Mauá, 1155, sala 404-A | Porto Alegre/RS\nFone: (51) 3214-5200",
                          "Protocol: {protocol}\nResponsible sector: CAGE\n\n"
                          "Follow your demands in e-CAGE Chat (Telegram or Teams).\n\n"
                          "This is an automatic e-mail. Please do not reply.\n"
                          "Answer through e-CAGE Chat or the e-CAGE Portal.\n\n"
                          "Regards,\n\nContadoria e Auditoria Geral do Estado (CAGE)\n"
                          "Av. Mauá, 1155, sala 404-A | Porto Alegre/RS\nPhone: +55 51 3214-5200"),
})


# --- flood guard ---------------------------------------------------------------------------------------
# What bot/flood.py answers, once, to someone sending more messages than a person types.
CATALOGUE.update({
    "flood.slow_down": ("Você está enviando mensagens rápido demais; aguarde alguns segundos.",
                        "You are sending messages too fast; please wait a few seconds."),
})


# --- Telegram channel (bot/telegram) -----------------------------------------------------------------------
# What the Telegram adapter says on its own, and its command menus (setMyCommands).
CATALOGUE.update({
    "tg.too_large": ("O arquivo “{name}” tem mais de {mb} MB, o limite que o Telegram permite aos bots baixar. "
                     "Reduza ou divida o arquivo e envie de novo.",
                     "The file “{name}” is larger than {mb} MB, the most Telegram lets bots download. "
                     "Please shrink or split it and send it again."),
    "tg.unsupported": ("Não consigo tratar {what}. Escreva sua mensagem em texto; arquivos, envie como documento "
                       "ou foto.",
                       "I can't handle {what}. Please write your message as text; send files as a document or "
                       "a photo."),
    "tg.edited": ("Vi que você editou uma mensagem anterior, mas não consigo considerar edições. Envie o texto "
                  "corrigido em uma nova mensagem.",
                  "I saw you edited an earlier message, but I can't take edits into account. Please send the "
                  "corrected text as a new message."),
    "tg.stale": ("Esses botões são de uma pergunta anterior. Use os da mensagem mais recente ou escreva sua "
                 "resposta.",
                 "These buttons belong to an earlier question. Use the ones in the latest message or type your "
                 "answer."),
    "tg.chosen": ("Você já escolheu esta opção.", "You already chose this option."),
    "tg.error": ("Desculpe, algo deu errado do meu lado. Tente de novo em instantes.",
                 "Sorry, something went wrong on my side. Please try again in a moment."),
    "tg.kind.voice": ("mensagens de voz", "voice messages"),
    "tg.kind.audio": ("áudios", "audio files"),
    "tg.kind.video": ("vídeos", "videos"),
    "tg.kind.video_note": ("vídeos curtos", "video notes"),
    "tg.kind.sticker": ("figurinhas", "stickers"),
    "tg.kind.animation": ("GIFs", "GIFs"),
    "tg.kind.location": ("localizações", "locations"),
    "tg.kind.venue": ("locais", "venues"),
    "tg.kind.contact": ("contatos", "contacts"),
    "tg.kind.poll": ("enquetes", "polls"),
    "tg.kind.dice": ("dados", "dice"),
    "tg.kind.other": ("esse tipo de mensagem", "this kind of message"),
    # Requesters' menu: the words the dialogs understand at any step ("/menu" reads as "menu").
    "tg.cmd.menu": ("Menu principal", "Main menu"),
    "tg.cmd.ajuda": ("Como usar o bot e o passo atual", "How to use the bot and the current step"),
    "tg.cmd.voltar": ("Voltar um passo, mantendo o que foi digitado", "Go back one step, keeping what you typed"),
    "tg.cmd.cancelar": ("Desistir do que está em andamento", "Give up what is in progress"),
    # Attendants' menu, shown in group chats (dialogs/attendant.py COMMANDS).
    "tg.cmd.fila": ("Demandas abertas, sem atendente primeiro", "Open demands, unassigned first"),
    "tg.cmd.atribuidas": ("Demandas com você", "Demands you hold"),
    "tg.cmd.demanda": ("PROTOCOLO — o cartão da demanda", "PROTOCOL — the demand's card"),
    "tg.cmd.receber": ("PROTOCOLO — receber a demanda", "PROTOCOL — receive the demand"),
    "tg.cmd.responder": ("PROTOCOLO texto — responder", "PROTOCOL text — answer"),
    "tg.cmd.solicitar": ("PROTOCOLO texto — solicitar informações", "PROTOCOL text — request information"),
    "tg.cmd.solucionar": ("PROTOCOLO texto — solucionar", "PROTOCOL text — solve"),
    "tg.cmd.buscar": ("NÚMERO — demandas que citam um documento", "NUMBER — demands citing a document"),
    "tg.cmd.vincular": ("Tornar este grupo a sala dos atendentes", "Make this group the attendants' room"),
    "tg.cmd.desvincular": ("Deixar de ser a sala dos atendentes", "Stop being the attendants' room"),
    "tg.cmd.atendimento": ("Comandos de atendimento", "Attendant commands"),
})
